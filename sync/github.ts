// Every GitHub API call of sync and fleet: the pull-request operations bound to one repository, the fleet's own
// requests, and GitHub App tokens, all on the one Octokit of octokit.ts, with actionable errors.
import { createOctokit } from './octokit.ts';
import { explainGitHubError, type GitHubStep } from './pr-errors.ts';
import { DEFAULT_RETRY, type HttpFailure, type RetryPolicy } from './pr-retry.ts';
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
  createPull(pr: {
    head: string;
    base: string;
    title: string;
    body: string;
    draft: boolean;
  }): Promise<PullSummary | 'exists'>;
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
        const data = await octokit.paginate(octokit.rest.pulls.list, {
          ...repo,
          state: 'all',
          head: `${c.owner}:${branch}`,
          per_page: 100,
        });
        return data.map(summarize);
      }),
    listOpenPulls: (base) =>
      call({ action: `list pull requests into ${base}`, permission: 'pull-requests: read' }, async () => {
        const data = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'open', base, per_page: 100 });
        return data.map(summarize);
      }),
    closePull: (number) =>
      call(
        write(`close pull request #${number}`),
        async () => void (await octokit.rest.pulls.update({ ...repo, pull_number: number, state: 'closed' })),
      ),
    createPull: (pr) =>
      call(write('open the pull request'), async () => {
        try {
          return summarize((await octokit.rest.pulls.create({ ...repo, ...pr, maintainer_can_modify: true })).data);
        } catch (error) {
          if (failureOf(error).status === 422 && /already exists/i.test(failureOf(error).message))
            return 'exists' as const;
          throw error;
        }
      }),
    updatePull: (number, pr) =>
      call(write(`update pull request #${number}`), async () =>
        summarize((await octokit.rest.pulls.update({ ...repo, pull_number: number, ...pr })).data),
      ),
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
      call(
        labelStep(`label pull request #${number}`),
        async () => void (await octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels })),
      ),
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
        const data = await octokit.paginate(octokit.rest.issues.listComments, {
          ...repo,
          issue_number: number,
          per_page: 100,
        });
        return data.map((comment) => comment.body ?? '');
      }),
    createComment: (number, body) =>
      call(
        write(`comment on #${number}`),
        async () => void (await octokit.rest.issues.createComment({ ...repo, issue_number: number, body })),
      ),
  };
}

/** GitHub App calls made with the app's JWT: find the installation on a repository and mint an installation token. */
export async function appInstallationToken(
  c: Omit<GitHubConnection, 'token'> & { jwt: string; installationId?: number | undefined },
): Promise<{ token: string; expiresAt: string }> {
  const octokit = await createOctokit(c.apiUrl, c.jwt, c.retry ?? DEFAULT_RETRY);
  const step = {
    action: 'get a GitHub App installation token',
    permission: 'the app installed on the repository with contents, pull requests and issues: write',
  };
  return guarded(
    step,
    async () => {
      const id =
        c.installationId ?? (await octokit.rest.apps.getRepoInstallation({ owner: c.owner, repo: c.repo })).data.id;
      const { data } = await octokit.rest.apps.createInstallationAccessToken({
        installation_id: id,
        repositories: [c.repo],
        permissions: { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
      });
      return { token: data.token, expiresAt: data.expires_at };
    },
    { ...c, token: c.jwt },
  );
}

/** One request of the fleet's own calls (listing, contents, forks): path below the API root, query, JSON body. */
export interface RestRequest {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "no such file"). */
  accept?: number[];
  step: GitHubStep;
  /** `owner/name` (or the org) for error messages. */
  where: string;
}

/** A decoded answer. */
export interface RestResponse<T> {
  status: number;
  data: T;
}

/** The fleet's transport on the same Octokit: single requests, and every page of a list (octokit's paginate). */
export interface Rest {
  request<T>(r: RestRequest): Promise<RestResponse<T>>;
  /** Every page (Link rel="next"), flattened; `items` picks the array out of each page's body. */
  all<T>(r: RestRequest, items: (data: unknown) => T[]): Promise<T[]>;
}

/** The fleet's transport bound to one API URL, token and policy; the token never appears in an error or log line. */
export async function connectRest(c: { apiUrl: string; token: string; retry: RetryPolicy }): Promise<Rest> {
  const octokit = await createOctokit(c.apiUrl, c.token, c.retry);
  const where = (r: RestRequest) => ({ ...c, owner: r.where, repo: '' });
  const route = (r: RestRequest) => ({
    method: r.method ?? 'GET',
    url: r.path,
    ...r.query,
    ...(r.body !== undefined && { data: r.body }),
  });
  return {
    async request<T>(r: RestRequest): Promise<RestResponse<T>> {
      try {
        const { status, data } = await octokit.request(route(r));
        return { status, data: data as T };
      } catch (error) {
        const e = error as { status?: number; response?: { data?: unknown } };
        if (e.response && e.status !== undefined && (r.accept ?? []).includes(e.status))
          return { status: e.status, data: e.response.data as T };
        throw explainGitHubError(failureOf(error), r.step, { repo: r.where, apiUrl: c.apiUrl }, [c.token]);
      }
    },
    all: <T>(r: RestRequest, items: (data: unknown) => T[]) =>
      guarded(
        r.step,
        async () =>
          (await octokit.paginate(route(r) as never, (response: { data: unknown }) => items(response.data))) as T[],
        where(r),
      ),
  };
}

async function guarded<T>(step: GitHubStep, fn: () => Promise<T>, c: GitHubConnection): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw explainGitHubError(
      failureOf(error),
      step,
      { repo: c.repo ? `${c.owner}/${c.repo}` : c.owner, apiUrl: c.apiUrl },
      [c.token],
    );
  }
}

// Octokit's RequestError carries status and response; a network failure has no response (octokit reports it as 500).
function failureOf(error: unknown): HttpFailure {
  const e = error as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string>; data?: unknown };
  };
  const data = e.response?.data as
    { message?: string; errors?: ({ message?: string; field?: string; code?: string } | string)[] } | undefined;
  const details = (data?.errors ?? [])
    .map((d) => (typeof d === 'string' ? d : (d.message ?? [d.field, d.code].filter(Boolean).join(' '))))
    .filter(Boolean);
  const message = [data?.message ?? e.message ?? String(error), ...details].join('; ');
  return { status: e.response ? e.status : undefined, headers: e.response?.headers ?? {}, message };
}
