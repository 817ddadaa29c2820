// The changes between two trees, as `git diff-tree -r --no-renames` reports them, read through the run's shared
// `cat-file` (tree-reader.ts) instead of a git process of its own: only folders whose ids differ are read, so the cost
// grows with the change, not with the repository. tests/sync/tree-diff.test.ts compares it with git's answer.
import type { TreeReader } from './tree-reader.ts';
import { joinPath, TREE } from './tree-reader.ts';

/** One changed path: git's status letter (A, D, M, T) and the modes and ids on both sides (zeros where absent). */
export interface TreeChange {
  status: 'A' | 'D' | 'M' | 'T';
  srcMode: string;
  dstMode: string;
  srcOid: string;
  dstOid: string;
}

interface Side {
  mode: string;
  oid: string;
}

// What kind of object an entry is: a change of kind is git's "T", a change within one kind "M".
const kindOf = (mode: string) => (mode === '120000' ? 'link' : mode === '160000' ? 'gitlink' : 'file');

/**
 * Every path (UTF-8, in git's order) whose file, symlink or gitlink differs between the trees `from` and `to` (ids or
 * `<rev>^{tree}`): a folder replaced by a file is every file under it deleted and the file added, as git reports it.
 */
export async function diffTrees(reader: TreeReader, from: string, to: string): Promise<Map<string, TreeChange>> {
  const [a, b] = await reader.read([from, to]);
  const zero = '0'.repeat(a!.oid.length);
  const changes: [string, TreeChange][] = [];
  // Folders still to compare (either side may be missing), a level per round trip.
  let level: { path: string; from?: string; to?: string }[] = [];
  const compare = (path: string, left: Map<string, Side>, right: Map<string, Side>) => {
    for (const name of new Set([...left.keys(), ...right.keys()])) {
      const [l, r] = [left.get(name), right.get(name)];
      if (l && r && l.mode === r.mode && l.oid === r.oid) continue;
      const full = joinPath(path, name);
      const lTree = l?.mode === TREE ? l.oid : undefined;
      const rTree = r?.mode === TREE ? r.oid : undefined;
      if (lTree || rTree) level.push({ path: full, from: lTree, to: rTree });
      const lFile = l && !lTree ? l : undefined;
      const rFile = r && !rTree ? r : undefined;
      if (lFile && rFile) {
        const status = kindOf(lFile.mode) === kindOf(rFile.mode) ? 'M' : 'T';
        changes.push([
          full,
          { status, srcMode: lFile.mode, dstMode: rFile.mode, srcOid: lFile.oid, dstOid: rFile.oid },
        ]);
      } else if (lFile) {
        changes.push([full, { status: 'D', srcMode: lFile.mode, dstMode: '000000', srcOid: lFile.oid, dstOid: zero }]);
      } else if (rFile) {
        changes.push([full, { status: 'A', srcMode: '000000', dstMode: rFile.mode, srcOid: zero, dstOid: rFile.oid }]);
      }
    }
  };
  compare('', a!.items, b!.items);
  while (level.length) {
    const current = level;
    level = [];
    const oids = [...new Set(current.flatMap((d) => [d.from, d.to].filter((o): o is string => o !== undefined)))];
    const trees = new Map((await reader.read(oids)).map((t, i) => [oids[i]!, t.items]));
    const items = (oid?: string) => (oid ? trees.get(oid)! : new Map<string, Side>());
    for (const d of current) compare(d.path, items(d.from), items(d.to));
  }
  // Paths are latin1 strings (a byte a character): their order is git's, and their bytes are read as UTF-8 last.
  changes.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return new Map(changes.map(([path, c]) => [Buffer.from(path, 'latin1').toString('utf8'), c]));
}
