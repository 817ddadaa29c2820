// The published entry (dist/main.cjs, required by bin.cjs): answers --help and --version from this small file and
// otherwise hands the command line to one command bundle, loaded through V8's code cache (src/code-cache.ts).
import { join } from 'node:path';
import { HELP, routeOf, type BundleName } from './cli.ts';
import { GENERATOR_VERSION } from './version.ts';

const argv = process.argv.slice(2);
const route = routeOf(argv);
if (route.kind === 'help') process.stdout.write(HELP);
else if (route.kind === 'version') process.stdout.write(`${GENERATOR_VERSION}\n`);
else void runBundle(route.bundle);

async function runBundle(bundle: BundleName): Promise<void> {
  // A sync's first git commands (its status and one look at the repository, in this folder) run while its bundle
  // loads; the sync takes them over when it asks (src/git-process.ts). Not for its help, which runs no git.
  if (bundle === 'sync' && !argv.includes('--help') && !argv.includes('-h')) {
    const [{ startGitEarly }, { FIRST_GIT }] = await Promise.all([
      import('./git-process.ts'),
      import('../sync/first-git.ts'),
    ]);
    for (const args of FIRST_GIT) startGitEarly(process.cwd(), args);
  }
  // The loader brings crypto and vm with it: loaded here, so --help and --version never pay for them.
  const { loadBundle } = await import('./code-cache.ts');
  // The bundle's main owns the process from here: it reports errors and exits (src/main.ts).
  const file = join(__dirname, `${bundle}.cjs`);
  let main: ((argv: readonly string[]) => Promise<void>) | undefined;
  try {
    main = loadBundle<{ main: typeof main }>(file).exports.main;
  } catch (error) {
    process.stderr.write(
      `error: cannot load ${file} (${(error as Error).message.split('\n')[0]}); reinstall create-detml.\n`,
    );
    process.exitCode = 1;
  }
  void main?.(argv);
}
