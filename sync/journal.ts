import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../src/errors.ts';
import { STREAM_LARGE_BLOBS } from '../src/git.ts';
import { runGit } from '../src/git-process.ts';
import { JOURNAL } from './first-git.ts';
import type { Stage } from './merge-trees.ts';

/** What a `--local` sync is about to write, recorded before the work tree changes so a killed run can be finished. */
export interface Journal {
  head: string;
  tree: string;
  conflicts: [string, Stage[]][];
  /** The sync's result (plan, versions), returned again by the run that finishes it. */
  result: unknown;
}

/** The journal's file name in the repository's git folder. */

/** The absolute paths of the index and the journal in the repository's git folder (gitfiles, linked worktrees). */
export async function gitPaths(root: string): Promise<{ index: string; journal: string }> {
  const out = (await runGit(root, ['rev-parse', '--git-path', 'index', '--git-path', JOURNAL])).stdout
    .toString('utf8')
    .split('\n');
  return { index: resolve(root, out[0]!), journal: resolve(root, out[1]!) };
}

/** Records the journal atomically (write beside it, then rename): it is either absent or complete. */
export function writeJournal(file: string, journal: Journal): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(journal));
  renameSync(`${file}.tmp`, file);
}

/** The index lines that give each conflicted path its stages (and drop its stage-0 entry). */
export function stageLines(conflicts: Iterable<[string, Stage[]]>): string {
  const lines: string[] = [];
  for (const [path, stages] of conflicts) {
    // The null id in the repository's hash (64 digits in a SHA-256 one), which git reads as "remove".
    lines.push(`0 ${'0'.repeat(stages[0]?.oid.length ?? 40)}\t${path}`);
    for (const s of stages) lines.push(`${s.mode} ${s.oid} ${s.stage}\t${path}`);
  }
  return lines.join('\0') + '\0';
}

/**
 * Finishes a `--local` sync that was killed after its journal was written: the journal's tree is written over the
 * paths the sync changes (the others are the user's HEAD, untouched), its removals are removed, and the complete
 * index, stages included, is built in a temporary file and renamed into place. Returns the interrupted run's result,
 * or undefined when there was nothing to finish (a journal whose HEAD is no longer checked out is dropped). Other
 * modes (`finish` false) refuse while a journal is pending. `known` is the repository's layout when the caller has
 * already asked git for it (preconditions.ts probeRepository), which saves a git call; its status run is waited for.
 */
export async function finishInterrupted(
  dir: string,
  finish: boolean,
  known?: { inside: boolean; root: string; journal: string; status?: Promise<unknown> | undefined },
): Promise<unknown> {
  let root: string;
  let file: string;
  if (known) {
    if (!known.inside) return undefined;
    ({ root, journal: file } = known);
  } else {
    // One call: where the repository's top is, and where its journal would be (relative to that top).
    const top = await runGit(dir, ['rev-parse', '--show-toplevel', '--git-path', JOURNAL], { okCodes: [0, 128] });
    if (top.code !== 0) return undefined;
    const [shown = '', relative = ''] = top.stdout.toString('utf8').split('\n');
    root = shown;
    file = resolve(dir, relative);
  }
  if (!existsSync(file)) return undefined;
  // The probe's `git status` may refresh and rewrite the index: it finishes before this run writes one.
  await known?.status?.catch(() => {});
  const journal = JSON.parse(readFileSync(file, 'utf8')) as Journal;
  const { index } = await gitPaths(root);
  rmSync(`${index}.detml-sync`, { force: true });
  const head = (await runGit(root, ['rev-parse', 'HEAD'])).stdout.toString('utf8').trim();
  if (head !== journal.head) {
    rmSync(file, { force: true });
    return undefined;
  }
  // Only a --local run writes the work tree; a dry run or a pull-request run must not, so it says what to do.
  if (!finish)
    throw new UserError(
      'A "sync --local" was interrupted while writing your work tree; run "create-detml sync --local" to finish it first.',
    );
  const temporary = `${index}.detml-finish`;
  const env = { GIT_INDEX_FILE: temporary };
  try {
    await runGit(root, ['read-tree', journal.tree], { env });
    const fields = (
      await runGit(root, ['diff-tree', '-r', '-z', '--name-status', '--no-renames', journal.head, journal.tree])
    ).stdout
      .toString('utf8')
      .split('\0');
    const write: string[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === 'D') rmSync(join(root, fields[i + 1]!), { force: true });
      else write.push(fields[i + 1]!);
    }
    if (write.length)
      await runGit(root, [...STREAM_LARGE_BLOBS, 'checkout-index', '-f', '-z', '--stdin'], {
        env,
        input: write.join('\0') + '\0',
      });
    await runGit(root, ['update-index', '-q', '--refresh'], { env, okCodes: [0, 1] });
    if (journal.conflicts.length)
      await runGit(root, ['update-index', '-z', '--index-info'], { env, input: stageLines(journal.conflicts) });
    renameSync(temporary, index);
    rmSync(file, { force: true });
    return journal.result;
  } finally {
    rmSync(temporary, { force: true });
  }
}
