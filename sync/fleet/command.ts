// `create-detml fleet plan|sync|status`: flags, the repositories to cover, and the output of each subcommand.
import { parseFlags } from '../../src/args.ts';
import { visibleText } from '../../src/visible-text.ts';
import { EXIT, UserError } from '../../src/errors.ts';
import { connectRest } from '../github.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../pr-retry.ts';
import { fleetApi, type FleetApi } from './api.ts';
import { formatPlan, formatResult, formatStatus, formatSummary, planCounts } from './format.ts';
import { RateLimitGate } from './limiter.ts';
import { planJson } from './matrix.ts';
import { planFleet, type PlanTarget } from './plan.ts';
import { runFleetSync } from './run.ts';
import { filterEntries, readRepoList, repoArgs } from './sources.ts';

/** Help for `create-detml fleet`. */
export const FLEET_HELP = `Usage: create-detml fleet plan|sync|status [options]

Keeps many generated repositories on their template's newest version: plan (dry run), sync (one PR per repository,
the same flow as create-detml sync), status (who is on which template version).

Repositories (one source, then the filters):
      --repos <file>        YAML/JSON list of owner/name; an entry may set optOut (or skip), reason, base, fork
      --org <name>          the organisation's repositories that have .detml/state.json (forks and archived left out)
      --installation        the repositories the token's GitHub App installation can access, with .detml/state.json
      --repo <owner/name>   these repositories (repeatable; comma-separated lists too)
      --only <glob>         keep only owner/name matching a glob (repeatable), e.g. 'acme/svc-*'
      --exclude <glob>      leave out owner/name matching a glob (repeatable)
  A repository opts out with "fleet": {"optOut": true, "reason": "..."} in its .detml/state.json.

Templates:
      --to <version>        target template version (default: the newest available)
      --template-root <d>   use templates from <d>/<id>@<version>/ (env DETML_TEMPLATE_ROOT)
      --templates-from <v>  sync to the templates of a published create-detml version or dist-tag

Output:
      --json                machine-readable output; plan --json carries the matrix the reusable workflow fans out
      --markdown            status as a Markdown table, e.g. for a dashboard issue
      --max-jobs <n>        plan --json: at most n matrix jobs (default 256, GitHub's limit); repositories then share jobs

Sync:
      --concurrency <n>     repositories (and API reads) at once (default 4)
      --fork <owner>        open PRs from forks under <owner> where the token cannot push (or the list says fork: true)
      --max-rate-wait <s>   longest wait for a rate-limit reset (default 900); every worker waits for the same reset

GitHub:
      --api-url <url>       REST API URL, e.g. https://HOST/api/v3 for GitHub Enterprise (env GITHUB_API_URL)
      --token-env <NAME>    read the token from $NAME instead of $GITHUB_TOKEN (e.g. a GitHub App installation token)

Each repository is cloned into a temporary folder with the token passed per git command, never stored.
Exit codes: 0 done, 1 some repository failed (or could not be inspected), 2 invalid input.
`;

/** Where the command writes and which environment it reads (the process's by default; tests pass their own). */
export interface FleetIo {
  write(text: string): void;
  env: NodeJS.ProcessEnv;
  /** @internal Scaled-down waits for in-process tests (see RetryPolicy.baseMs); the CLI always uses GitHub's. */
  retry?: Partial<RetryPolicy>;
}

const PROCESS_IO: FleetIo = { write: (text) => void process.stdout.write(text), env: process.env };

/** Runs `create-detml fleet <plan|sync|status> ...` and returns the exit code. */
export async function fleetCommand(argv: readonly string[], given: FleetIo = PROCESS_IO): Promise<number> {
  // Repository names, state files and errors are untrusted: nothing reaches the terminal as an escape sequence.
  const io = { ...given, write: (text: string) => given.write(visibleText(text)) };
  const { values, positionals } = parse(argv);
  const [sub, ...extra] = positionals;
  if (values.help || !sub) {
    io.write(FLEET_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (!['plan', 'sync', 'status'].includes(sub) || extra.length)
    throw new UserError(`Unknown fleet command "${positionals.join(' ')}"; use plan, sync or status.`, EXIT.usage);
  const started = Date.now();
  const { api, retry, token, apiUrl, source, concurrency } = await connect(values, io);
  const maxJobs = count('max-jobs', values['max-jobs'], 256);
  const targets = filterEntries(await fleetTargets(values, api), values.only ?? [], values.exclude ?? []);
  if (targets.some((t) => t.fork) && !values.fork)
    throw new UserError(
      'The list file asks for forks (fork: true); pass --fork OWNER to say where they go.',
      EXIT.usage,
    );
  const plan = await planFleet(targets, { api, source, to: values.to, forkOwner: values.fork, concurrency });
  const failedToInspect = plan.repos.some((r) => r.action === 'error');
  if (sub === 'plan') {
    io.write(values.json ? `${JSON.stringify(planJson(plan, maxJobs), null, 2)}\n` : formatPlan(plan));
    return failedToInspect ? EXIT.error : EXIT.ok;
  }
  if (sub === 'status') {
    io.write(
      values.json
        ? `${JSON.stringify({ repos: plan.repos, ignored: plan.ignored }, null, 2)}\n`
        : formatStatus(plan, values.markdown ?? false),
    );
    return failedToInspect ? EXIT.error : EXIT.ok;
  }

  if (!values.json) io.write(`${planCounts(plan)}\n`);
  const fork =
    values.fork && plan.repos.some((r) => r.fork)
      ? { login: values.fork, isOrg: (await api.accountType(values.fork)) === 'Organization' }
      : undefined;
  const results = await runFleetSync({
    plan: plan.repos,
    token,
    apiUrl,
    api,
    source,
    retry,
    concurrency,
    fork,
    onResult: values.json ? undefined : (r) => io.write(formatResult(r)),
  });
  const seconds = (Date.now() - started) / 1000;
  io.write(values.json ? `${JSON.stringify({ results, seconds }, null, 2)}\n` : formatSummary(results, seconds));
  return results.some((r) => r.outcome === 'failed') ? EXIT.error : EXIT.ok;
}

// The token, API client (sharing one rate-limit gate with the PR flow), template source and concurrency of a run.
async function connect(values: ReturnType<typeof parse>['values'], io: FleetIo) {
  const concurrency = count('concurrency', values.concurrency, 4);
  const maxWaitMs = count('max-rate-wait', values['max-rate-wait'], 900) * 1000;
  const tokenVar = values['token-env'] ?? 'GITHUB_TOKEN';
  const token = io.env[tokenVar]?.trim();
  if (!token)
    throw new UserError(
      `fleet needs a GitHub token in $${tokenVar} (contents, pull-requests and issues: write to sync; read to plan). Pass --token-env NAME to read another variable.`,
    );
  const apiUrl = (values['api-url'] ?? io.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const retry = { ...DEFAULT_RETRY, ...io.retry, maxWaitMs, gate: new RateLimitGate() };
  const source = {
    templateRoot: values['template-root'] ?? io.env.DETML_TEMPLATE_ROOT,
    templatesFrom: values['templates-from'],
  };
  return { api: fleetApi(await connectRest({ apiUrl, token, retry })), retry, token, apiUrl, source, concurrency };
}

// A positive whole-number flag, or its default.
function count(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(value))
    throw new UserError(`--${flag} must be a positive whole number, got "${value}".`, EXIT.usage);
  return Number(value);
}

// The repositories named by exactly one source: a list file, an organisation, the App installation, or --repo.
async function fleetTargets(values: ReturnType<typeof parse>['values'], api: FleetApi): Promise<PlanTarget[]> {
  const given = (['repos', 'org', 'installation', 'repo'] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1)
    throw new UserError(
      `Name the repositories with exactly one of --repos, --org, --installation or --repo${given.length ? ` (got --${given.join(', --')})` : ''}.`,
      EXIT.usage,
    );
  if (values.repos) return readRepoList(values.repos);
  if (values.repo) return repoArgs(values.repo);
  const listed = values.org ? await api.listOrgRepos(values.org) : await api.listInstallationRepos();
  return listed
    .filter((r) => !r.fork)
    .map((facts) => ({ owner: facts.owner, name: facts.name, facts, discovered: true }));
}

const FLAGS = {
  repos: { type: 'string' },
  org: { type: 'string' },
  installation: { type: 'boolean' },
  repo: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  to: { type: 'string' },
  'template-root': { type: 'string' },
  'templates-from': { type: 'string' },
  json: { type: 'boolean' },
  markdown: { type: 'boolean' },
  'max-jobs': { type: 'string' },
  concurrency: { type: 'string' },
  fork: { type: 'string' },
  'max-rate-wait': { type: 'string' },
  'api-url': { type: 'string' },
  'token-env': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[]) {
  return parseFlags(argv, FLAGS, 'create-detml fleet');
}
