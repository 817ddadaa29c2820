// `npm run fingerprint` and `npm run goldens:record [-- --force]` / `goldens:check [-- --strict]`. Like main.ts, it checks the determinism
// environment before the framework is imported (runtime.ts imports it lazily), and prints expected failures as one line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DetmlError } from './env-core.js';
import { goldenOptions, runGoldens } from './golden.js';
import { runtime } from './runtime.js';

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'fingerprint') {
    // The fingerprint reports the environment as it is; it does not refuse when determinism variables are missing.
    const json = `${JSON.stringify(await runtime.fingerprint(), null, 2)}\n`;
    const out = optionValue(rest, '--out');
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, json);
    }
    process.stdout.write(json);
    return;
  }
  if (command === 'goldens' && (rest[0] === 'record' || rest[0] === 'check')) {
    const unknown = rest.slice(1).find((a) => a !== '--force' && a !== '--strict');
    if (unknown) throw new DetmlError(`unknown option ${unknown} (goldens record takes --force, goldens check takes --strict)`);
    runtime.checkEnvironment();
    const options = goldenOptions({ strict: rest.includes('--strict'), force: rest.includes('--force') });
    const report = await runGoldens(runtime, rest[0], options);
    for (const warning of report.warnings) console.warn(`detml: ${warning}`);
    for (const failure of report.failures) console.error(failure);
    if (report.failures.length > 0) process.exitCode = 1;
    else console.log(`detml: goldens ${report.mode} ok for class ${report.classKey}`);
    return;
  }
  throw new DetmlError('usage: cli.js fingerprint [--out FILE] | goldens record [--force] | goldens check [--strict]');
}

function optionValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof DetmlError)) throw error;
  console.error(`detml: ${error.message}`);
  process.exitCode = 1;
});
