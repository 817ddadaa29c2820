import { parseArgs } from 'node:util';
import { EXIT, UserError } from '../src/errors.ts';
import { log } from '../src/log.ts';
import { parseSetFlags } from '../src/templates/answers.ts';
import { formatPlan, planJson } from './format-plan.ts';
import { runSync } from './run-sync.ts';

/** Help for `create-detml sync`. */
export const SYNC_HELP = `Usage: create-detml sync [options]

Updates this project to a newer template version with a three-way merge that keeps your edits.

Options:
      --to <version>       target template version (default: the newest available)
      --local              write the result into the work tree and index (conflicts as markers, unmerged)
      --dry-run            print the plan, change nothing
      --json               print the plan or result as JSON
      --set <key=value>    change an answer (repeatable); paths that depend on it move, edits follow
      --template-root <d>  use templates from <d>/<id>@<version>/ (env DETML_TEMPLATE_ROOT)
  -h, --help               show this help

Without --local or --dry-run, the result is a commit on branch detml/sync/<branch>; your checkout is unchanged.
Exit codes: 0 done (or up to date), 1 error, 2 invalid input, 3 conflicts to resolve.
`;

/** Runs `create-detml sync ...` in the current folder and returns the exit code. */
export async function syncCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv);
  if (values.help) {
    process.stdout.write(SYNC_HELP);
    return EXIT.ok;
  }
  if (values.local && values['dry-run']) throw new UserError('--local and --dry-run exclude each other.', EXIT.usage);
  const result = await runSync({
    cwd: process.cwd(),
    mode: values['dry-run'] ? 'dry-run' : values.local ? 'local' : 'branch',
    to: values.to,
    set: parseSetFlags(values.set ?? []),
    source: { templateRoot: values['template-root'] ?? process.env.DETML_TEMPLATE_ROOT },
    onProgress: values.json ? undefined : (m) => log.step(m),
  });
  process.stdout.write(values.json ? planJson(result) : formatPlan(result));
  return result.status === 'conflicts' ? EXIT.conflicts : EXIT.ok;
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      options: {
        to: { type: 'string' },
        local: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        set: { type: 'string', multiple: true },
        'template-root': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const first = (error as Error).message.split('. ')[0]?.replace(/\.$/, '');
    throw new UserError(`${first}. Run create-detml sync --help for usage.`, EXIT.usage);
  }
}
