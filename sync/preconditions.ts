import { resolve } from 'node:path';
import { GitError, runGit, type GitOutput } from '../src/git-process.ts';
import { UserError } from '../src/errors.ts';
import { PROBE, STATUS } from './first-git.ts';
import { gitVersion } from './merge-trees.ts';

/** Where the project sits in its repository, found while checking that sync may run. */
export interface ProjectRepo {
  /** The project folder's path inside the repository, "" or ending in "/" (projects may live in a monorepo). */
  prefix: string;
  head: string;
  headTree: string;
  /** The checked-out branch, or undefined on a detached HEAD. */
  branch: string | undefined;
}

/** What one look at the repository tells before anything else runs: where its files are, and its HEAD. */
export interface RepoLayout {
  /** False outside a work tree (or in a bare repository); the paths below are then empty. */
  inside: boolean;
  prefix: string;
  root: string;
  /** Absolute paths of the index and of sync's journal in the git folder (gitfiles and linked worktrees included). */
  index: string;
  journal: string;
  /** The commit, its tree and the symbolic ref HEAD names ("HEAD" when detached); undefined before the first commit. */
  head?: { commit: string; tree: string; ref: string } | undefined;
  /** `git status` of the tracked files, started with the probe (it fails outside a work tree). */
  status?: Promise<GitOutput>;
}

/**
 * Asks git once for the repository's layout and HEAD (its version only when a command fails: refuseOldGit). The status of tracked
 * files starts beside them, for checkRepository: it also refreshes the index's file times, which `read-tree -m -u`
 * relies on, so an interrupted run is finished only after it (journal.ts). Both usually started while the sync bundle
 * loaded (first-git.ts), and are taken over here.
 */
export async function probeRepository(dir: string): Promise<RepoLayout> {
  const status = runGit(dir, STATUS, { okCodes: [0, 128] });
  status.catch(() => {}); // awaited by checkRepository; a rejection before then is not unhandled
  const out = await runGit(dir, PROBE, { okCodes: [0, 128] });
  const lines = out.stdout.toString('utf8').split('\n');
  const [isInside, prefix = '', root = '', index = '', journal = '', commit = '', tree = '', ref = ''] = lines;
  // Outside a work tree git prints nothing; before the first commit it prints the layout, then fails on HEAD.
  if (isInside !== 'true' || lines.length < 6)
    return { inside: false, prefix: '', root: '', index: '', journal: '', status };
  const head = out.code === 0 ? { commit, tree, ref } : undefined;
  const paths = { index: resolve(dir, index), journal: resolve(dir, journal) };
  return { inside: true, prefix, root, ...paths, head, status };
}

/**
 * Checks everything that would make sync unsafe before anything is computed, each failure one line naming the fix:
 * a work tree with a commit, and no uncommitted changes to tracked files (untracked ones are fine:
 * sync never touches them). `layout` is probeRepository's answer when the caller already has it.
 */
export async function checkRepository(dir: string, layout?: RepoLayout): Promise<ProjectRepo> {
  const { inside, prefix, head, status: statusRun } = layout ?? (await probeRepository(dir));
  if (!inside) {
    throw new UserError(
      `${dir} is not inside a git work tree; sync merges with git. Run "git init && git add -A && git commit -m init" first.`,
    );
  }
  // The probe asked for the commit, its tree and the branch: only a repository without a commit has none.
  if (!head)
    throw new UserError('The repository has no commits yet; commit the project first (git add -A && git commit).');
  const status = await (statusRun ?? runGit(dir, STATUS));
  if (status.code !== 0) throw new GitError(STATUS, status);
  const dirty = status.stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((r) => r.slice(3));
  if (dirty.length) {
    const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? `, and ${dirty.length - 5} more` : '');
    throw new UserError(`Uncommitted changes to tracked files (${shown}). Commit or stash them, then run sync again.`);
  }
  return {
    prefix,
    head: head.commit,
    headTree: head.tree,
    branch: head.ref.startsWith('refs/heads/') ? head.ref.slice('refs/heads/'.length) : undefined,
  };
}

/**
 * After a git command failed: when git is older than sync needs (merge-tree --write-tree, git 2.38), that is the
 * one line to report instead. Asked only then, so a sync that works starts no process for it.
 */
export async function refuseOldGit(dir: string): Promise<void> {
  const [major, minor] = await gitVersion(dir).catch((): [number, number] => [0, 0]);
  if (major < 2 || (major === 2 && minor < 38)) {
    throw new UserError(
      `create-detml sync needs git 2.38 or newer (found ${major}.${minor}) for "git merge-tree --write-tree"; upgrade git.`,
    );
  }
}
