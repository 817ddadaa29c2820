import { UserError } from '../src/errors.ts';
import { runGit } from '../src/git-process.ts';
import { resolveAuth, type AuthOptions } from './auth.ts';
import { connectGitHub } from './github.ts';
import { changelogBetween, readChangelog, type ChangelogEntry } from './pr-changelog.ts';
import { prepareProposal } from './pr-proposal.ts';
import type { RetryPolicy } from './pr-retry.ts';
import { resolveTarget, type TargetOptions } from './pr-target.ts';
import { upsertSyncPr, type PrOutcome } from './pr-upsert.ts';
import { syncWithTarget, type SyncOptions, type SyncResult } from './run-sync.ts';
import type { SourcedTemplate } from './template-source.ts';

/** Options of `runPullRequestSync`: the sync options plus where and how to open the pull request. */
export interface PullRequestSyncOptions extends Omit<SyncOptions, 'mode'> {
  /** The PR's base branch (`--base`); default: the repository's default branch. */
  base?: string | undefined;
  target: TargetOptions;
  auth: Omit<AuthOptions, 'env'>;
  retry?: RetryPolicy | undefined;
}

/** The sync result and, when there was something to propose, what happened to the pull request. */
export interface PullRequestSyncResult extends SyncResult {
  pullRequest?: PrOutcome;
}

/**
 * `create-detml sync` without --local/--dry-run: merges the template update into a commit on `detml/sync/<base>`
 * (runSync), then pushes it with the token passed per git command and opens or updates the one sync PR for the base.
 */
export async function runPullRequestSync(options: PullRequestSyncOptions): Promise<PullRequestSyncResult> {
  const progress = options.onProgress ?? (() => {});
  const env = options.target.env;

  // 1. Merge locally; nothing to propose when up to date.
  const { result: sync, next } = await syncWithTarget({ ...options, mode: 'branch' });
  if (sync.status === 'up-to-date' || !sync.commit || !sync.branch || !sync.base || !next) return sync;

  // 2. Destination and credentials.
  const target = await resolveTarget(options.cwd, options.target);
  const { token } = await resolveAuth({ ...options.auth, env }, { ...target, retry: options.retry });
  const gh = await connectGitHub({ ...target, token, retry: options.retry });
  const base = options.base ?? (await gh.getRepo()).defaultBranch;
  if (sync.base !== base) {
    throw new UserError(
      `sync merged the template into your checked-out branch ${sync.base}, but the pull request would target ${base}. Check out ${base} or pass --base ${sync.base}.`,
    );
  }

  // 3. Push and upsert the PR.
  const { commit, text, reportPath } = await prepareProposal(
    options.cwd,
    { ...sync, commit: sync.commit, branch: sync.branch },
    changelog(sync, next),
  );
  const parent = (await runGit(options.cwd, ['rev-parse', `${commit}^`])).stdout.toString('utf8').trim();
  progress(`Proposing the update on ${target.owner}/${target.repo} (base ${base})`);
  const pullRequest = await upsertSyncPr({
    dir: options.cwd,
    gh,
    target,
    token,
    base,
    commit,
    parent,
    conflicts: sync.status === 'conflicts',
    text,
    ...(reportPath && { reportPath }),
    progress,
  });
  return { ...sync, commit, pullRequest };
}

// The new template version's release notes between the two versions, from the template sync already resolved; none
// when the template has no changelog.
function changelog(sync: SyncResult, next: SourcedTemplate): ChangelogEntry[] {
  try {
    return changelogBetween(readChangelog(next.dir), sync.from, sync.to);
  } catch {
    return [];
  }
}
