// The GitHub operations fleet runs need beyond the single-repository PR flow: discovery, metadata, the state file,
// the sync PRs of a repository, forks and pull requests from forks.
import { UserError } from '../../src/errors.ts';
import { STATE_PATH } from '../../src/state/state-file.ts';
import { summarizePull as summarize, type PullJson, type PullSummary } from '../pr-summary.ts';
import type { Rest } from '../github.ts';

/** What the fleet knows about a repository from the API. */
export interface RepoFacts {
  owner: string;
  name: string;
  defaultBranch: string;
  archived: boolean;
  /** True for a fork (discovery leaves forks out: they are copies, not members of the fleet). */
  fork: boolean;
  /** Whether the token may push; undefined when the API did not say. */
  push: boolean | undefined;
}

/** A fork the bot pushes to. */
export interface ForkFacts {
  owner: string;
  name: string;
}

interface RepoJson {
  name: string;
  owner: { login: string };
  default_branch?: string;
  archived?: boolean;
  fork?: boolean;
  permissions?: { push?: boolean };
}

/** The fleet's API calls, on one transport. */
export function fleetApi(rest: Rest) {
  const repoStep = (action: string, permission = 'metadata: read') => ({ action, permission });
  return {
    /** Every repository of an organisation (all pages). */
    listOrgRepos: (org: string) =>
      rest.all<RepoFacts>(
        {
          path: `/orgs/${enc(org)}/repos`,
          query: { type: 'all', per_page: 100 },
          step: repoStep(`list the repositories of ${org}`),
          where: org,
        },
        (d) => (d as RepoJson[]).map(facts),
      ),

    /** Every repository the token's GitHub App installation can access (needs an installation token). */
    listInstallationRepos: () =>
      // octokit's paginate already unwraps `{ total_count, repositories }` into the array.
      rest.all<RepoFacts>(
        {
          path: '/installation/repositories',
          query: { per_page: 100 },
          step: repoStep("list the App installation's repositories"),
          where: 'the installation',
        },
        (d) => (Array.isArray(d) ? (d as RepoJson[]) : (d as { repositories: RepoJson[] }).repositories).map(facts),
      ),

    /** One repository's facts. */
    async getRepo(owner: string, name: string): Promise<RepoFacts> {
      return facts(
        (
          await rest.request<RepoJson>({
            path: `/repos/${enc(owner)}/${enc(name)}`,
            step: repoStep('read the repository'),
            where: `${owner}/${name}`,
          })
        ).data,
      );
    },

    /** The text of `.detml/state.json` on `ref`, or undefined when the repository has none. */
    async readStateFile(owner: string, name: string, ref: string): Promise<string | undefined> {
      const r = await rest.request<{ content?: string; encoding?: string }>({
        path: `/repos/${enc(owner)}/${enc(name)}/contents/${enc(STATE_PATH)}`,
        query: { ref },
        accept: [404],
        step: repoStep(`read ${STATE_PATH}`, 'contents: read'),
        where: `${owner}/${name}`,
      });
      if (r.status === 404 || typeof r.data?.content !== 'string') return undefined;
      return Buffer.from(r.data.content, r.data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    },

    /** The pull requests (open and closed) into `owner/name` from `headOwner:branch`. */
    async listPulls(owner: string, name: string, headOwner: string, branch: string): Promise<PullSummary[]> {
      return rest.all<PullSummary>(
        {
          path: `/repos/${enc(owner)}/${enc(name)}/pulls`,
          query: { state: 'all', head: `${headOwner}:${branch}`, per_page: 100 },
          step: repoStep(`list pull requests from ${headOwner}:${branch}`, 'pull-requests: read'),
          where: `${owner}/${name}`,
        },
        (d) => (d as PullJson[]).map(summarize),
      );
    },

    /** Whether an account is an organisation (forks go there with `organization`) or a user. */
    async accountType(login: string): Promise<'User' | 'Organization'> {
      const r = await rest.request<{ type: string }>({
        path: `/users/${enc(login)}`,
        step: repoStep(`look up the account ${login}`),
        where: login,
      });
      return r.data.type === 'Organization' ? 'Organization' : 'User';
    },

    /** Forks `owner/name` into `into` (an organisation, or the token's own user); GitHub returns an existing fork. */
    async createFork(owner: string, name: string, into: string, isOrg: boolean): Promise<ForkFacts> {
      const r = await rest.request<RepoJson>({
        method: 'POST',
        path: `/repos/${enc(owner)}/${enc(name)}/forks`,
        body: { ...(isOrg && { organization: into }), default_branch_only: true },
        step: repoStep(
          `fork into ${into}`,
          'administration: write on the fork owner (contents: read on the repository)',
        ),
        where: `${owner}/${name}`,
      });
      return { owner: r.data.owner.login, name: r.data.name };
    },

    /**
     * Opens a pull request from a fork (`head` is `forkOwner:branch`); 'exists' when one is open already. "Allow edits by
     * maintainers" is asked for, and dropped when GitHub refuses it (forks owned by organisations cannot grant it).
     */
    async createForkPull(
      owner: string,
      name: string,
      pr: { head: string; base: string; title: string; body: string; draft: boolean; maintainerCanModify: boolean },
    ): Promise<PullSummary | 'exists'> {
      for (let canModify = pr.maintainerCanModify; ; canModify = false) {
        const r = await rest.request<PullJson & { message?: string; errors?: { message?: string; field?: string }[] }>({
          method: 'POST',
          path: `/repos/${enc(owner)}/${enc(name)}/pulls`,
          body: {
            head: pr.head,
            base: pr.base,
            title: pr.title,
            body: pr.body,
            draft: pr.draft,
            maintainer_can_modify: canModify,
          },
          accept: [422],
          step: repoStep('open the pull request from the fork', 'pull-requests: write'),
          where: `${owner}/${name}`,
        });
        if (r.status !== 422) return summarize(r.data);
        const text = [
          r.data.message,
          ...(r.data.errors ?? []).map((e) => [e.field, e.message].filter(Boolean).join(' ')),
        ].join('; ');
        if (/already exists/i.test(text)) return 'exists';
        if (!(canModify && /fork.?collab/i.test(text)))
          throw new UserError(`GitHub refused to open the pull request on ${owner}/${name} (422: ${text}).`);
      }
    },
  };
}

/** The fleet API client. */
export type FleetApi = ReturnType<typeof fleetApi>;

function facts(r: RepoJson): RepoFacts {
  return {
    owner: r.owner.login,
    name: r.name,
    defaultBranch: r.default_branch ?? 'main',
    archived: r.archived ?? false,
    fork: r.fork ?? false,
    push: r.permissions?.push,
  };
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
