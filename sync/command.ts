import { visibleText } from '../src/visible-text.ts';
import { parseFlags } from '../src/args.ts';
import { EXIT, UserError } from '../src/errors.ts';
import { log } from '../src/log.ts';
import { parseSetFlags } from '../src/templates/answers.ts';
import { formatPlan, planJson } from './format-plan.ts';
import { formatCheck, formatPullRequest } from './pr-report.ts';
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
      --templates-from <v> sync to the templates of a published create-detml version or dist-tag (e.g. latest)
      --check              only report whether an update is available (exit 4 if so); for CI
  -h, --help               show this help

Pull request (the default, without --local, --dry-run or --check):
      --repo <owner/name>  GitHub repository (default: the origin remote, else GITHUB_REPOSITORY)
      --base <branch>      base branch of the PR (default: the repository's default branch)
      --api-url <url>      REST API URL, e.g. https://HOST/api/v3 for GitHub Enterprise (env GITHUB_API_URL)
      --remote-url <url>   git URL to push to (default: an https origin, else derived from --api-url)
      --token-env <NAME>   read the token from $NAME instead of $GITHUB_TOKEN
      --app-id <id>        authenticate as a GitHub App (env GITHUB_APP_ID) with
      --app-key-file <f>     its PEM private key (else env GITHUB_APP_PRIVATE_KEY) and
      --installation-id <n>  its installation (default: the one on the repository)
      --allow-conflicts    exit 0 even when the PR has conflict markers to resolve

The update is committed on branch detml/sync/<base> (your checkout is unchanged), pushed, and proposed in one pull
request per base branch that later runs update in place. The token needs contents: write, pull-requests: write and
issues: write; it is passed to git per command and never stored.
Exit codes: 0 done (or up to date), 1 error, 2 invalid input, 3 conflicts to resolve, 4 update available (--check).
`;

/** Runs `create-detml sync ...` in the current folder and returns the exit code. */
export async function syncCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (positionals.length)
    throw new UserError(
      `sync takes no arguments, got: ${positionals.join(' ')}. Run it inside the project.`,
      EXIT.usage,
    );
  if (values.help) {
    process.stdout.write(SYNC_HELP);
    return EXIT.ok;
  }
  const modes = (['local', 'dry-run', 'check'] as const).filter((m) => values[m]);
  if (modes.length > 1) throw new UserError(`--${modes[0]} and --${modes[1]} exclude each other.`, EXIT.usage);
  const common = {
    cwd: process.cwd(),
    to: values.to,
    set: parseSetFlags(values.set ?? []),
    source: {
      templateRoot: values['template-root'] ?? process.env.DETML_TEMPLATE_ROOT,
      templatesFrom: values['templates-from'],
    },
    onProgress: values.json || values.check ? undefined : (m: string) => log.step(m),
  };
  if (values.check) {
    const result = await runSync({ ...common, mode: 'dry-run' });
    process.stdout.write(formatCheck(result, values.json ?? false));
    return result.status === 'up-to-date' ? EXIT.ok : EXIT.updateAvailable;
  }
  if (values.local || values['dry-run']) {
    const result = await runSync({ ...common, mode: values.local ? 'local' : 'dry-run' });
    process.stdout.write(values.json ? planJson(result) : formatPlan(result));
    return result.status === 'conflicts' ? EXIT.conflicts : EXIT.ok;
  }
  const { runPullRequestSync } = await import('./pull-request.ts');
  const result = await runPullRequestSync({
    ...common,
    base: values.base,
    target: { repo: values.repo, apiUrl: values['api-url'], remoteUrl: values['remote-url'], env: process.env },
    auth: {
      tokenEnv: values['token-env'],
      appId: values['app-id'],
      appKeyFile: values['app-key-file'],
      installationId: values['installation-id'],
    },
  });
  process.stdout.write(values.json ? planJson(result) : formatPlan(result) + visibleText(formatPullRequest(result)));
  const pr = result.pullRequest;
  const leftAlone = pr?.action === 'closed-by-maintainer' || pr?.action === 'left-for-maintainer';
  return result.status === 'conflicts' && !leftAlone && !values['allow-conflicts'] ? EXIT.conflicts : EXIT.ok;
}

function parse(argv: readonly string[]) {
  return parseFlags(
    argv,
    {
      to: { type: 'string' },
      local: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      set: { type: 'string', multiple: true },
      'template-root': { type: 'string' },
      'templates-from': { type: 'string' },
      check: { type: 'boolean' },
      repo: { type: 'string' },
      base: { type: 'string' },
      'api-url': { type: 'string' },
      'remote-url': { type: 'string' },
      'token-env': { type: 'string' },
      'app-id': { type: 'string' },
      'app-key-file': { type: 'string' },
      'installation-id': { type: 'string' },
      'allow-conflicts': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'create-detml sync',
  );
}
