// Edits a tree without an index: only the directories along the edited paths are read (one `git cat-file --batch`)
// and written again (one `git mktree --batch`); every other subtree keeps its id untouched, so the cost grows with the
// edits, not with the repository. The result is the tree that reading the base into a throwaway index, applying the
// edits with `update-index --index-info` and `write-tree` gives (tests/sync/tree-edit.test.ts compares both), which
// git has no single command for: hence this walk.
import { UserError } from '../src/errors.ts';
import { startGit, type GitSession } from '../src/git.ts';
import type { Entry, ObjectStore } from './git-objects.ts';
import { indexAcceptsPath } from './index-path.ts';
import {
  depthOf,
  joinPath as join,
  nameOf,
  parentOf,
  readAlong,
  TREE,
  withTreeReader,
  type TreeItem as Item,
} from './tree-reader.ts';

// git's empty tree (SHA-1, SHA-256): the index has no entry for one, so a folder rewritten from it drops it.
const EMPTY_TREE = new Set([
  '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
]);

// Names are kept as latin1 strings (one character per byte), so a name that is not UTF-8 keeps its bytes.
const bytesOf = (name: string) => Buffer.from(name, 'latin1');

/**
 * Applies `entries` (null removes a path) to `base` (or to an empty tree) and returns the new tree's id. Like git's
 * index: edits apply in order, a path git's index refuses is skipped, a file replaces a folder at its path or a file
 * at a parent's, and a folder left without files disappears.
 */
export async function editTree(
  store: ObjectStore,
  entries: ReadonlyMap<string, Entry | null>,
  base?: string,
): Promise<string> {
  if (!base) return (await writeNewTrees(store, [entries]))[0]!;
  const edits = parseEdits(entries);
  // The mktree process starts while the base is read; it is only needed when some edit is valid.
  const writing = edits.length ? startGit(store.dir, ['mktree', '--batch', '-z'], { env: store.env }) : undefined;
  try {
    const { root, dirs } = await withTreeReader(store, (reader) =>
      readAlong(
        reader,
        base,
        edits.map((e) => e.path),
      ),
    );
    if (!writing) return root;
    const writer = await writing;
    const tree = await writeDirs(writer, apply(edits, dirs));
    await writer.end();
    return tree;
  } finally {
    // After a failure: close it, so no git process waits on its stdin.
    if (writing) await Promise.allSettled([writing.then((w) => w.end())]);
  }
}

/** Writes several trees from scratch (no base) with one `git mktree --batch`, and returns their ids in order. */
export async function writeNewTrees(
  store: ObjectStore,
  list: readonly ReadonlyMap<string, Entry | null>[],
): Promise<string[]> {
  const edits = list.map(parseEdits);
  const writer = await startGit(store.dir, ['mktree', '--batch', '-z'], { env: store.env });
  try {
    const ids: string[] = [];
    for (const e of edits) ids.push(await writeDirs(writer, apply(e, new Map([['', new Map()]]))));
    await writer.end();
    return ids;
  } finally {
    await Promise.allSettled([writer.end()]);
  }
}

interface Edit {
  path: string;
  item: Item | null;
}

// The edits git's index would take, in order, with modes made canonical as the index makes them.
function parseEdits(entries: ReadonlyMap<string, Entry | null>): Edit[] {
  const edits: Edit[] = [];
  for (const [path, e] of entries) {
    if (path.includes('\0'))
      throw new UserError(`Cannot write a path with a NUL byte into a tree: ${JSON.stringify(path)}`);
    const raw = e ? parseInt(e.mode, 8) : 0;
    if (e && (!/^[0-7]+$/.test(e.mode) || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(e.oid)))
      throw new UserError(`Cannot write ${path} into a tree: "${e.mode} ${e.oid}" is not a file mode and object id.`);
    const bytes = Buffer.from(path, 'utf8').toString('latin1');
    if (!indexAcceptsPath(bytes, raw)) continue;
    edits.push({ path: bytes, item: e ? { mode: canonicalMode(raw), oid: e.oid } : null });
  }
  return edits;
}

// As the index stores modes: symlinks, gitlinks (folders become gitlinks too), and files executable or not.
function canonicalMode(mode: number): string {
  const type = mode & 0o170000;
  if (type === 0o120000) return '120000';
  if (type === 0o040000 || type === 0o160000) return '160000';
  return mode & 0o100 ? '100755' : '100644';
}

// Applies the edits to the directories read, in order, as `update-index --index-info` does: a file added where a
// folder stands replaces the folder with all it holds, and one added below a file replaces that file.
function apply(edits: readonly Edit[], dirs: Map<string, Map<string, Item>>): Map<string, Map<string, Item>> {
  const at = (path: string) => dirs.get(parentOf(path))?.get(nameOf(path));
  for (const { path, item } of edits) {
    const current = at(path);
    if (!item) {
      if (current && current.mode !== TREE) dirs.get(parentOf(path))!.delete(nameOf(path));
      continue;
    }
    const ancestors: string[] = [];
    for (let p = parentOf(path); p; p = parentOf(p)) ancestors.unshift(p);
    for (const a of ancestors) {
      if (at(a)?.mode === TREE) continue; // a folder: read from the base, or made by an earlier edit
      dirs.get(parentOf(a))!.set(nameOf(a), { mode: TREE, oid: '' });
      dirs.set(a, new Map());
    }
    if (current?.mode === TREE)
      for (const d of [...dirs.keys()]) if (d === path || d.startsWith(`${path}/`)) dirs.delete(d);
    dirs.get(parentOf(path))!.set(nameOf(path), item);
  }
  return dirs;
}

// Writes the edited directories, deepest first (a folder's entry needs its child's id), one level per round trip;
// a folder left without files is dropped from its parent, as the index drops it. Returns the root's id.
async function writeDirs(writer: GitSession, dirs: Map<string, Map<string, Item>>): Promise<string> {
  const written = new Map<string, string | undefined>();
  const paths = [...dirs.keys()].sort((a, b) => depthOf(b) - depthOf(a));
  for (let k = 0; k < paths.length;) {
    const depth = depthOf(paths[k]!);
    const level: string[] = [];
    const parts: Buffer[] = [];
    for (; k < paths.length && depthOf(paths[k]!) === depth; k++) {
      const path = paths[k]!;
      const lines: Buffer[] = [];
      for (const [name, item] of dirs.get(path)!) {
        let oid: string | undefined = item.oid;
        if (item.mode === TREE)
          oid = dirs.has(join(path, name)) ? written.get(join(path, name)) : EMPTY_TREE.has(oid) ? undefined : oid;
        if (oid === undefined) continue;
        const type = item.mode === TREE ? 'tree' : item.mode === '160000' ? 'commit' : 'blob';
        lines.push(Buffer.from(`${item.mode} ${type} ${oid}\t`), bytesOf(name), Buffer.from([0]));
      }
      if (!lines.length && path !== '') {
        written.set(path, undefined);
        continue;
      }
      level.push(path);
      parts.push(...lines, Buffer.from([0]));
    }
    if (!level.length) continue;
    writer.write(Buffer.concat(parts));
    for (const path of level) written.set(path, await writer.readLine());
  }
  return written.get('')!;
}
