import { parseFlags } from '../args.ts';
import { EXIT, UserError } from '../errors.ts';
import { formatJson, formatText } from './format.ts';
import { RULES } from './rules/index.ts';
import { runVerify } from './run-verify.ts';
import { formatSarif } from './sarif.ts';

/** Help for `create-detml verify`. */
export const VERIFY_HELP = `Usage: create-detml verify [dir] [options]

Static, offline checks that a generated project is still deterministic: images pinned by digest, actions by commit,
lockfiles exact, determinism env vars set, seeds and session options in code, template-owned files unchanged.

Options:
      --format <f>         text (default), json or sarif (SARIF 2.1.0, for GitHub code scanning)
      --json               same as --format json
      --rule <id|name>     run only this rule (repeatable)
      --list-rules         print the rules and exit
  -h, --help               show this help

Suppress a finding with a comment on its line or the line above: "# detml-ignore DETML001 -- why" ("//" in JS/TS).
For files without comments (JSON), list it in .detml/verify.json:
  {"ignore": [{"rule": "DETML005", "paths": ["package-lock.json"], "reason": "why"}]}
Exit codes: 0 no findings, 1 findings, 2 invalid input.
`;

/** Runs `create-detml verify ...` and returns the exit code (1 when anything was found). */
export async function verifyCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(VERIFY_HELP);
    return EXIT.ok;
  }
  if (values['list-rules']) {
    process.stdout.write(RULES.map((r) => `${r.id}  ${r.name.padEnd(24)} ${r.summary}\n`).join(''));
    return EXIT.ok;
  }
  if (positionals.length > 1)
    throw new UserError(`Expected at most one directory, got: ${positionals.join(' ')}`, EXIT.usage);
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (!['text', 'json', 'sarif'].includes(format))
    throw new UserError(`--format must be text, json or sarif (got "${format}").`, EXIT.usage);
  const result = await runVerify(positionals[0] ?? process.cwd(), { only: values.rule });
  process.stdout.write(
    format === 'json' ? formatJson(result) : format === 'sarif' ? formatSarif(result) : formatText(result),
  );
  return result.findings.length > 0 ? EXIT.error : EXIT.ok;
}

function parse(argv: readonly string[]) {
  return parseFlags(
    argv,
    {
      format: { type: 'string' },
      json: { type: 'boolean' },
      rule: { type: 'string', multiple: true },
      'list-rules': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'create-detml verify',
  );
}
