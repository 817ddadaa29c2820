// The synthetic history the merge runs on (three-way.ts): commits that only feed `git merge-tree` and are never
// pushed. They are written in one `git hash-object --stdin-paths` instead of one `git commit-tree` each, which needs
// each parent's id before its child is written: the ids are computed here (a commit's id is the hash of its bytes),
// and git's answer must repeat them. A history the repository already has (a sync run again) is not written again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../src/git-process.ts';
import { storeOf, SYNTHETIC, type Repo } from './git-objects.ts';
import { formatOf, objectId } from './object-ids.ts';
import { sharedTreeReader } from './tree-reader.ts';

/** One commit to write: its tree, its parents (object ids, or the index of an earlier commit of the same call). */
export interface SyntheticCommit {
  tree: string;
  parents: readonly (string | number)[];
  message: string;
}

/**
 * Writes commits with the fixed synthetic identity and date, exactly as `git commit-tree` would (same bytes, same
 * ids), in one git call, and returns their ids in order.
 */
export async function writeSyntheticCommits(repo: Repo, commits: readonly SyntheticCommit[]): Promise<string[]> {
  const store = storeOf(repo);
  const ids: string[] = [];
  const bodies = commits.map((c) => {
    const parents = c.parents.map((p) => (typeof p === 'number' ? ids[p]! : p));
    const body = Buffer.from(
      [
        `tree ${c.tree}`,
        ...parents.map((p) => `parent ${p}`),
        `author ${SYNTHETIC.GIT_AUTHOR_NAME} <${SYNTHETIC.GIT_AUTHOR_EMAIL}> 0 +0000`,
        `committer ${SYNTHETIC.GIT_COMMITTER_NAME} <${SYNTHETIC.GIT_COMMITTER_EMAIL}> 0 +0000`,
        '',
        c.message,
      ].join('\n'),
    );
    // The repository's hash is the one its ids are written in: 40 hex digits for SHA-1, 64 for SHA-256.
    ids.push(objectId('commit', body, formatOf(c.tree)));
    return body;
  });
  // The same history as a run before (the same merge again) is in the repository already: nothing to write.
  const reader = sharedTreeReader(store);
  if (reader && (await (await reader).info(ids)).every((a, i) => a?.type === 'commit' && a.oid === ids[i])) return ids;
  const scratch = mkdtempSync(join(store.scratch ?? tmpdir(), 'detml-commits-'));
  try {
    const files = bodies.map((body, i) => {
      const file = join(scratch, String(i));
      writeFileSync(file, body);
      return file;
    });
    const out = await runGit(store.dir, ['hash-object', '-w', '-t', 'commit', '--stdin-paths'], {
      env: store.env,
      // One path a line; git reads a C-quoted one (a temporary folder's name may hold a newline).
      input: files.map((f) => (f.includes('\n') || f.startsWith('"') ? JSON.stringify(f) : f)).join('\n') + '\n',
    });
    const written = out.stdout.toString('utf8').trim().split('\n');
    if (written.join() !== ids.join())
      throw new Error(`git wrote the synthetic commits as ${written.join(', ')}, not ${ids.join(', ')}`);
    return ids;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
