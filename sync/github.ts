// The only module that imports octokit (lazily, so create and --local never load it): every GitHub API call goes
// through the small typed client below, with retries, timeouts and actionable errors.
import type { Octokit } from '@octokit/rest';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../src/version.ts';
import { explainGitHubError, type GitHubStep } from './pr-errors.ts';
import { DEFAULT_RETRY, retryDecision, type HttpFailure, type RetryPolicy } from './pr-retry.ts';
import { summarizePull as summarize, type PullSummary } from './pr-summary.ts';

export type { PullSummary } from './pr-summary.ts';

/** The repository facts sync needs. */
export interface RepoInfo {
  fullName: string;
  defaultBranch: string;
}

/** The GitHub operations of the pull-request flow, bound to one repository. */
export interface GitHubClient {
  getRepo(): Promise<RepoInfo>;
  listPulls(branch: string): Promise<PullSummary[]>;
  /** The open pull requests into `base`, every page. */
  listOpenPulls(base: string): Promise<PullSummary[]>;
  closePull(number: number): Promise<void>;
  /** Opens a PR; 'exists' when GitHub says one is already open for this head (a lost response, retried). */
  createPull(pr: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullSummary | 'exists'>;
  updatePull(number: number, pr: { title: string; body: string }): Promise<PullSummary>;
  ensureLabel(name: string, color: string, description: string): Promise<void>;
  addLabels(number: number, labels: string[]): Promise<void>;
  removeLabel(number: number, label: string): Promise<void>;
  listComments(number: number): Promise<string[]>;
  createComment(number: number, body: string): Promise<void>;
}

/** How to reach the API: base URL (https://api.github.com or https://HOST/api/v3), credentials and retry policy. */
export interface GitHubConnection {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  retry?: RetryPolicy;
}

/** A client for one repository; the token stays inside octokit and is never part of an error or log line. */
export async function connectGitHub(c: GitHubConnection): Promise<GitHubClient> {
  const octokit = await createOctokit(c.apiUrl, c.token, c.retry ?? DEFAULT_RETRY);
  const repo = { owner: c.owner, repo: c.repo };
  const call = <T>(step: GitHubStep, fn: () => Promise<T>) => guarded(step, fn, c);
  const write = (action: string): GitHubStep => ({ action, permission: 'pull-requests: write' });
  const labelStep = (action: string): GitHubStep => ({ action, permission: 'issues: write (or pull-requests: write)' });
  return {
    getRepo: () =>
      call({ action: 'read the repository', permission: 'metadata: read' }, async () => {
        const { data } = await octokit.rest.repos.get(repo);
        return { fullName: data.full_name, defaultBranch: data.default_branch };
      }),
    listPulls: (branch) =>
      call({ action: `list pull requests from ${branch}`, permission: 'pull-requests: read' }, async () => {
        const data = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'all', head: `${c.owner}:${branch}`, per_page: 100 });
        return data.map(summarize);
      }),
    listOpenPulls: (base) =>
      call({ action: `list pull requests into ${base}`, permission: 'pull-requests: read' }, async () => {
        const data = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'open', base, per_page: 100 });
        return data.map(summarize);
      }),
    closePull: (number) =>
      call(write(`close pull request #${number}`), async () => void (await octokit.rest.pulls.update({ ...repo, pull_number: number, state: 'closed' }))),
    createPull: (pr) =>
      call(write('open the pull request'), async () => {
        try {
          return summarize((await octokit.rest.pulls.create({ ...repo, ...pr, maintainer_can_modify: true })).data);
        } catch (error) {
          if (failureOf(error).status === 422 && /already exists/i.test(failureOf(error).message)) return 'exists' as const;
          throw error;
        }
      }),
    updatePull: (number, pr) =>
      call(write(`update pull request #${number}`), async () => summarize((await octokit.rest.pulls.update({ ...repo, pull_number: number, ...pr })).data)),
    ensureLabel: (name, color, description) =>
      call(labelStep(`create the label "${name}"`), async () => {
        try {
          await octokit.rest.issues.getLabel({ ...repo, name });
        } catch (error) {
          if (failureOf(error).status !== 404) throw error;
          try {
            await octokit.rest.issues.createLabel({ ...repo, name, color, description });
          } catch (again) {
            if (failureOf(again).status !== 422) throw again; // created meanwhile by someone else
          }
        }
      }),
    addLabels: (number, labels) =>
      call(labelStep(`label pull request #${number}`), async () => void (await octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels }))),
    removeLabel: (number, label) =>
      call(labelStep(`remove the label "${label}" from #${number}`), async () => {
        try {
          await octokit.rest.issues.removeLabel({ ...repo, issue_number: number, name: label });
        } catch (error) {
          if (failureOf(error).status !== 404) throw error;
        }
      }),
    listComments: (number) =>
      call({ action: `read the comments of #${number}`, permission: 'pull-requests: read' }, async () => {
        const data = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: number, per_page: 100 });
        return data.map((comment) => comment.body ?? '');
      }),
    createComment: (number, body) =>
      call(write(`comment on #${number}`), async () => void (await octokit.rest.issues.createComment({ ...repo, issue_number: number, body }))),
  };
}

/** GitHub App calls made with the app's JWT: find the installation on a repository and mint an installation token. */
export async function appInstallationToken(
  c: Omit<GitHubConnection, 'token'> & { jwt: string; installationId?: number | undefined },
): Promise<{ token: string; expiresAt: string }> {
  const octokit = await createOctokit(c.apiUrl, c.jwt, c.retry ?? DEFAULT_RETRY);
  const step = { action: 'get a GitHub App installation token', permission: 'the app installed on the repository with contents, pull requests and issues: write' };
  return guarded(step, async () => {
    const id = c.installationId ?? (await octokit.rest.apps.getRepoInstallation({ owner: c.owner, repo: c.repo })).data.id;
    const { data } = await octokit.rest.apps.createInstallationAccessToken({
      installation_id: id,
      repositories: [c.repo],
      permissions: { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
    });
    return { token: data.token, expiresAt: data.expires_at };
  }, { ...c, token: c.jwt });
}

async function createOctokit(apiUrl: string, auth: string, policy: RetryPolicy): Promise<Octokit> {
  const { Octokit } = await import('@octokit/rest');
  const quiet = () => {};
  const octokit = new Octokit({
    auth,
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: `${GENERATOR_NAME}/${GENERATOR_VERSION}`,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await policy.gate?.ready();
        // Set in place: a copied options object would not reach fetch through octokit's hook chain.
        options.request = { ...options.request, signal: AbortSignal.timeout(policy.timeoutMs) };
        return await request(options);
      } catch (error) {
        policy.gate?.failed(failureOf(error), Date.now());
        const decision = retryDecision(failureOf(error), attempt, policy, Date.now());
        if (!decision.retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, decision.waitMs));
      }
    }
  });
  return octokit;
}

async function guarded<T>(step: GitHubStep, fn: () => Promise<T>, c: GitHubConnection): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw explainGitHubError(failureOf(error), step, { repo: `${c.owner}/${c.repo}`, apiUrl: c.apiUrl }, [c.token]);
  }
}

// Octokit's RequestError carries status and response; a network failure has no response (octokit reports it as 500).
function failureOf(error: unknown): HttpFailure {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string>; data?: unknown } };
  const data = e.response?.data as { message?: string; errors?: ({ message?: string; field?: string; code?: string } | string)[] } | undefined;
  const details = (data?.errors ?? []).map((d) => (typeof d === 'string' ? d : d.message ?? [d.field, d.code].filter(Boolean).join(' '))).filter(Boolean);
  const message = [data?.message ?? e.message ?? String(error), ...details].join('; ');
  return { status: e.response ? e.status : undefined, headers: e.response?.headers ?? {}, message };
}
