import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { UserError } from '../src/errors.ts';
import { fallbackIdentity, STREAM_LARGE_BLOBS } from '../src/git.ts';
import { runGit } from '../src/git-process.ts';
import { commitTree } from './git-objects.ts';
import { gitPaths, stageLines, writeJournal, type Journal } from './journal.ts';

/** The local branch a sync commit goes to for a base branch; the pull-request flow pushes it. */
export function syncBranch(base: string): string {
  return `detml/sync/${base}`;
}

/**
 * Writes the result into the work tree and index (`sync --local`). git's two-tree read-tree refuses, before
 * changing anything, to overwrite untracked files; conflicted paths then get their three index stages, so
 * `git status` and editors show them as unmerged, exactly like a conflicted `git merge`. The complete new index,
 * stages included, is built in a temporary index file beside the real one and moved into place with one rename:
 * a conflict is never visible as a resolved (stage 0) entry. `root` is the repository's top folder; `paths`, the
 * index's and the journal's absolute paths when the caller already has them.
 */
export async function applyToWorkTree(
  root: string,
  journal: Journal,
  paths?: { index: string; journal: string },
): Promise<void> {
  const { index, journal: file } = paths ?? (await gitPaths(root));
  const temporary = `${index}.detml-sync`;
  if (existsSync(index)) copyFileSync(index, temporary);
  const env = { GIT_INDEX_FILE: temporary };
  try {
    // From here a killed run is finished by the next one (finishInterrupted), which reads this journal.
    writeJournal(file, journal);
    const read = await runGit(root, [...STREAM_LARGE_BLOBS, 'read-tree', '-m', '-u', journal.head, journal.tree], {
      env,
      okCodes: [0, 128],
    });
    if (read.code !== 0) {
      rmSync(file, { force: true });
      const files = untrackedInTheWay(read.stderr);
      throw new UserError(
        files
          ? `The template adds files that exist untracked in your work tree (${files}); move or commit them, then run sync again. Nothing was changed.`
          : `Could not update the work tree: ${read.stderr.trim().split('\n')[0]}. Nothing was changed.`,
      );
    }
    if (journal.conflicts.length)
      await runGit(root, ['update-index', '-z', '--index-info'], { env, input: stageLines(journal.conflicts) });
    renameSync(temporary, index);
    rmSync(file, { force: true });
  } finally {
    rmSync(temporary, { force: true });
  }
}

// git words this two ways: one file inline, several as a tab-indented list.
function untrackedInTheWay(stderr: string): string | undefined {
  const one = /Untracked working tree file '(.+)' would be overwritten/.exec(stderr);
  if (one) return one[1];
  const many = /untracked working tree files would be overwritten[^\n]*\n((?:\t[^\n]+\n)+)/.exec(stderr);
  return many?.[1]
    ?.trim()
    .split('\n')
    .map((l) => l.trim())
    .join(', ');
}

/**
 * Commits the result on `detml/sync/<base>` with HEAD as parent, leaving the checkout, the current branch and the
 * index as they are. The ref moves in one atomic update, from whatever it pointed to before.
 */
export async function commitToBranch(
  dir: string,
  tree: string,
  head: string,
  base: string,
  message: string,
): Promise<{ branch: string; commit: string }> {
  const commit = await commitTree(dir, tree, [head], message, await fallbackIdentity(dir));
  const branch = syncBranch(base);
  await runGit(dir, ['update-ref', '-m', 'create-detml sync', `refs/heads/${branch}`, commit]);
  return { branch, commit };
}
