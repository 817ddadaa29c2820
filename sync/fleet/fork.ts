// Fork mode, as scverse's template sync does it: for a repository the bot cannot push to, the sync branch goes to the
// bot's fork (created through the API when missing) and the pull request comes from `forkOwner:branch`.
import { UserError } from '../../src/errors.ts';
import { runGit } from '../../src/git-process.ts';
import type { TemplateSource } from '../../src/templates/registry.ts';
import { connectGitHub, type GitHubClient } from '../github.ts';
import { changelogBetween, readChangelog, type ChangelogEntry } from '../pr-changelog.ts';
import { prepareProposal } from '../pr-proposal.ts';
import type { RetryPolicy } from '../pr-retry.ts';
import { upsertSyncPr } from '../pr-upsert.ts';
import type { PullRequestSyncResult } from '../pull-request.ts';
import { pushBranch } from '../push.ts';
import { runSync, type SyncResult } from '../run-sync.ts';
import { resolveTargetTemplate } from '../template-source.ts';
import type { FleetApi } from './api.ts';
import { gitUrl, remoteHeads } from './clone.ts';

/** Where forks go: an account, and whether it is an organisation (forks there cannot grant "edits by maintainers"). */
export interface ForkOwner {
  login: string;
  isOrg: boolean;
}

/** What a fork sync needs: the clone of the upstream base branch and how to reach GitHub. */
export interface ForkSyncInput {
  dir: string;
  owner: string;
  name: string;
  base: string;
  to: string | undefined;
  token: string;
  apiUrl: string;
  api: FleetApi;
  fork: ForkOwner;
  source: TemplateSource;
  retry: RetryPolicy;
  /** How long to wait for a new fork to become readable (GitHub creates forks asynchronously). */
  forkReadyMs?: number;
}

/**
 * Merges the template update in the clone (runSync), pushes the upstream base branch and the sync branch to the fork,
 * and upserts the sync PR on the upstream repository with the same rules as the direct flow (pr-upsert.ts). Labels are
 * left out: a bot without write access to the upstream repository cannot set them.
 */
export async function syncViaFork(i: ForkSyncInput): Promise<PullRequestSyncResult> {
  const sync = await runSync({ cwd: i.dir, mode: 'branch', to: i.to, source: i.source });
  if (sync.status === 'up-to-date' || !sync.commit || !sync.branch) return sync;

  const fork = await i.api.createFork(i.owner, i.name, i.fork.login, i.fork.isOrg);
  const forkUrl = gitUrl(i.apiUrl, fork.owner, fork.name);
  const heads = await waitForFork(i.dir, forkUrl, i.token, i.forkReadyMs ?? 60_000);
  // The fork's base mirrors the upstream one, so the PR branch's parent is on both sides.
  const head = (await runGit(i.dir, ['rev-parse', 'HEAD'])).stdout.toString('utf8').trim();
  if (heads.get(i.base) !== head) await pushBranch(i.dir, forkUrl, i.token, head, i.base, heads.get(i.base));

  const { commit, text, reportPath } = await prepareProposal(
    i.dir,
    { ...sync, commit: sync.commit, branch: sync.branch },
    await changelog(sync, i.source),
  );
  const gh = await connectGitHub({ apiUrl: i.apiUrl, token: i.token, owner: i.owner, repo: i.name, retry: i.retry });
  const pullRequest = await upsertSyncPr({
    dir: i.dir,
    gh: forkClient(gh, i.api, {
      owner: i.owner,
      name: i.name,
      forkOwner: fork.owner,
      maintainerCanModify: !i.fork.isOrg,
    }),
    target: { owner: fork.owner, repo: fork.name, apiUrl: i.apiUrl, remoteUrl: forkUrl },
    token: i.token,
    base: i.base,
    commit,
    parent: head,
    conflicts: sync.status === 'conflicts',
    text,
    ...(reportPath && { reportPath }),
    progress: () => {},
  });
  return { ...sync, commit, pullRequest };
}

/** The PR flow's client for a fork: PRs are listed and opened with `forkOwner:branch` heads, labels are skipped. */
export function forkClient(
  gh: GitHubClient,
  api: FleetApi,
  f: { owner: string; name: string; forkOwner: string; maintainerCanModify: boolean },
): GitHubClient {
  return {
    ...gh,
    listPulls: (branch) => api.listPulls(f.owner, f.name, f.forkOwner, branch),
    createPull: (pr) =>
      api.createForkPull(f.owner, f.name, {
        ...pr,
        head: `${f.forkOwner}:${pr.head}`,
        maintainerCanModify: f.maintainerCanModify,
      }),
    ensureLabel: async () => {},
    addLabels: async () => {},
    removeLabel: async () => {},
  };
}

// A new fork is readable only after GitHub has copied it; poll its branches with backoff until it has one.
async function waitForFork(dir: string, url: string, token: string, maxMs: number): Promise<Map<string, string>> {
  const started = Date.now();
  for (let delay = 500; ; delay = Math.min(delay * 2, 8000)) {
    const heads = await remoteHeads(dir, url, token);
    if (heads && heads.size > 0) return heads;
    if (Date.now() - started + delay > maxMs)
      throw new UserError(`The fork ${url} was not ready after ${Math.round(maxMs / 1000)} s; run fleet sync again.`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

// The template's release notes between the two versions, as the direct flow puts them in the PR body.
async function changelog(sync: SyncResult, source: TemplateSource): Promise<ChangelogEntry[]> {
  try {
    return changelogBetween(
      readChangelog((await resolveTargetTemplate(sync.template, sync.to, source)).dir),
      sync.from,
      sync.to,
    );
  } catch {
    return [];
  }
}
