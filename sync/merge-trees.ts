import { runGit } from '../src/git-process.ts';
import { storeOf, type Repo } from './git-objects.ts';

/** One index stage of a conflicted path: 1 = the old render (base), 2 = yours (HEAD), 3 = the new render. */
export interface Stage {
  mode: string;
  oid: string;
  stage: 1 | 2 | 3;
}

/** What git's merge machinery produced: the merged tree (markers in conflicted files) and the conflicts. */
export interface MergeResult {
  tree: string;
  clean: boolean;
  conflicts: Map<string, Stage[]>;
  /** git's informational messages per path, e.g. "CONFLICT (modify/delete)". */
  messages: { paths: string[]; type: string; message: string }[];
}

/**
 * Three-way merges `theirs` into `ours` with `git merge-tree --write-tree` (git >= 2.38): git's real merge with
 * rename detection and directory/file handling, computed entirely in the object database, work tree untouched.
 * The merge base is found from the commits' history, which the caller makes synthetic. Conflicts always use the
 * zdiff3 style (diff3 with the common lines moved out), so the user sees the template's old text beside both changes.
 */
export async function mergeTrees(repo: Repo, ours: string, theirs: string): Promise<MergeResult> {
  const { dir, env } = storeOf(repo);
  const args = ['-c', 'merge.conflictStyle=zdiff3', 'merge-tree', '--write-tree', '-z', '--messages', ours, theirs];
  const { code, stdout } = await runGit(dir, args, { env, okCodes: [0, 1] });
  const fields = stdout.toString('utf8').split('\0');
  const tree = fields[0] as string;
  const conflicts = new Map<string, Stage[]>();
  let i = 1;
  for (; i < fields.length && fields[i] !== ''; i++) {
    const record = fields[i] as string;
    const tab = record.indexOf('\t');
    const [mode, oid, stage] = record.slice(0, tab).split(' ') as [string, string, string];
    const path = record.slice(tab + 1);
    conflicts.set(path, [...(conflicts.get(path) ?? []), { mode, oid, stage: Number(stage) as 1 | 2 | 3 }]);
  }
  const messages: MergeResult['messages'] = [];
  for (i += 1; i < fields.length && fields[i] !== '';) {
    const count = Number(fields[i]);
    const paths = fields.slice(i + 1, i + 1 + count);
    const type = fields[i + 1 + count] as string;
    const message = (fields[i + 2 + count] as string).trim();
    messages.push({ paths, type, message });
    i += 3 + count;
  }
  return { tree, clean: code === 0, conflicts, messages };
}

/** The git version as [major, minor]; sync needs merge-tree --write-tree from git 2.38. */
export async function gitVersion(dir: string): Promise<[number, number]> {
  const out = (await runGit(dir, ['--version'])).stdout.toString('utf8');
  const m = /(\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}
