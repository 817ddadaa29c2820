import { parseFlags } from './args.ts';
import { EXIT, UserError } from './errors.ts';
import { GENERATOR_VERSION } from './version.ts';

/** The help text; every flag of every command is listed here and in README.md. */
export const HELP = `create-detml ${GENERATOR_VERSION}: deterministic ML inference projects

Usage:
  npm create detml [dir] -- [options]
  create-detml [dir] [options]          create a project
  create-detml sync [options]           update this project to a newer template (sync --help)
  create-detml fleet plan|sync|status   sync many repositories, one PR each, and report versions (fleet --help)
  create-detml verify [dir] [options]   check pins, locks, env, seeds and owned files offline (verify --help)
  create-detml pins resolve|update      resolve image tags to digests, refresh a project's pins (pins --help)

Options:
  -t, --template <id>      onnx (default), tfjs or vllm
  -n, --name <name>        project name (default: the directory name)
  -y, --yes                accept every default; never prompt
      --no-interactive     never prompt (also when stdin is not a TTY or CI is set)
      --no-git             do not initialise git or commit
      --no-install         do not install dependencies
  -f, --force              write into a non-empty directory (same-name files are overwritten)
      --set <key=value>    set a template answer; repeatable (e.g. --set seed=7)
      --template-root <d>  use templates from <d>/<id>@<version>/ (env DETML_TEMPLATE_ROOT)
  -h, --help               show this help
  -v, --version            show the version

Exit codes: 0 ok, 1 error (or verify findings), 2 invalid input, 3 sync conflicts, 4 update or pin drift (--check), 130 cancelled.
`;

/** Parses argv and runs the chosen command; throws UserError for bad usage. Returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  // Commands are imported lazily so `--help`, `--version` and create never load what they do not use.
  if (argv[0] === 'sync') {
    const { syncCommand } = await import('../sync/command.ts');
    return syncCommand(argv.slice(1));
  }
  if (argv[0] === 'fleet') {
    const { fleetCommand } = await import('../sync/fleet/command.ts');
    return fleetCommand(argv.slice(1));
  }
  if (argv[0] === 'verify') {
    const { verifyCommand } = await import('./verify/command.ts');
    return verifyCommand(argv.slice(1));
  }
  if (argv[0] === 'pins') {
    const { pinsCommand } = await import('./pins/command.ts');
    return pinsCommand(argv.slice(1));
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${GENERATOR_VERSION}\n`);
    return EXIT.ok;
  }
  const { values, positionals } = parseCreateArgs(argv);
  if (positionals.length > 1) throw new UserError(`Expected at most one directory, got: ${positionals.join(' ')}`, EXIT.usage);
  const { createCommand } = await import('./create/command.ts');
  await createCommand({
    dir: positionals[0],
    template: values.template,
    name: values.name,
    yes: values.yes ?? false,
    interactive: !values.yes && !values['no-interactive'] && Boolean(process.stdin.isTTY) && !process.env.CI,
    git: !values['no-git'],
    install: !values['no-install'],
    force: values.force ?? false,
    set: values.set ?? [],
    templateRoot: values['template-root'],
  });
  return EXIT.ok;
}

function parseCreateArgs(argv: readonly string[]) {
  return parseFlags(
    argv,
    {
    template: { type: 'string', short: 't' },
    name: { type: 'string', short: 'n' },
    yes: { type: 'boolean', short: 'y' },
    'no-interactive': { type: 'boolean' },
    'no-git': { type: 'boolean' },
    'no-install': { type: 'boolean' },
    force: { type: 'boolean', short: 'f' },
    set: { type: 'string', multiple: true },
    'template-root': { type: 'string' },
  },
    'create-detml',
  );
}
