import { runGit } from '../src/git.ts';
import { UserError } from '../src/errors.ts';
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

/**
 * Checks everything that would make sync unsafe before anything is computed, each failure one line naming the fix:
 * git new enough, a work tree with a commit, and no uncommitted changes to tracked files (untracked ones are fine:
 * sync never touches them).
 */
export async function checkRepository(dir: string): Promise<ProjectRepo> {
  const [major, minor] = await gitVersion(dir);
  if (major < 2 || (major === 2 && minor < 38)) {
    throw new UserError(
      `create-detml sync needs git 2.38 or newer (found ${major}.${minor}) for "git merge-tree --write-tree"; upgrade git.`,
    );
  }
  const inside = await runGit(dir, ['rev-parse', '--is-inside-work-tree', '--show-prefix'], { okCodes: [0, 128] });
  const [isInside, prefix = ''] = inside.stdout.toString('utf8').split('\n');
  if (inside.code !== 0 || isInside !== 'true') {
    throw new UserError(
      `${dir} is not inside a git work tree; sync merges with git. Run "git init && git add -A && git commit -m init" first.`,
    );
  }
  // One call for the commit, its tree and the branch ("HEAD" when detached); it fails only without a commit.
  const refs = await runGit(dir, ['rev-parse', 'HEAD', 'HEAD^{tree}', '--symbolic-full-name', 'HEAD'], {
    okCodes: [0, 128],
  });
  if (refs.code !== 0)
    throw new UserError('The repository has no commits yet; commit the project first (git add -A && git commit).');
  const [head = '', headTree = '', ref = ''] = refs.stdout.toString('utf8').split('\n');
  const status = await runGit(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=no']);
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
    head,
    headTree,
    branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
  };
}
