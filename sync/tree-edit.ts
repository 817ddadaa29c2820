// Edits a tree without an index: only the directories along the edited paths are read (one `git cat-file --batch`)
// and written again (one `git mktree --batch`); every other subtree keeps its id untouched, so the cost grows with the
// edits, not with the repository. The result is the tree that reading the base into a throwaway index, applying the
// edits with `update-index --index-info` and `write-tree` gives (tests/sync/tree-edit.test.ts compares both), which
// git has no single command for: hence this walk.
import { UserError } from '../src/errors.ts';
import { startGit, type GitSession } from '../src/git-process.ts';
import type { Entry, ObjectStore } from './git-objects.ts';
import { indexAcceptsPath } from './index-path.ts';
import { formatOf, objectId, treeBody, type RawTreeEntry } from './object-ids.ts';
import {
  depthOf,
  joinPath as join,
  nameOf,
  parentOf,
  readAlong,
  sharedTreeReader,
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
  // Without a shared reader to ask whether the result exists, mktree starts while the base is read (it is only
  // needed when some edit is valid).
  const writing =
    edits.length && !sharedTreeReader(store)
      ? startGit(store.dir, ['mktree', '--batch', '-z'], { env: store.env })
      : undefined;
  try {
    const { root, dirs } = await withTreeReader(store, (reader) =>
      readAlong(
        reader,
        base,
        edits.map((e) => e.path),
      ),
    );
    if (!edits.length) return root;
    return (await writeFolders(store, [{ dirs: apply(edits, dirs), format: formatOf(root) }], writing))[0]!;
  } finally {
    // After a failure: close it, so no git process waits on its stdin.
    if (writing) await Promise.allSettled([writing.then((w) => w.end())]);
  }
}

/**
 * Writes several trees from scratch (no base) with at most one `git mktree --batch` (`--missing` with `missing`: the
 * entries' objects may be written later), and returns their ids in order.
 */
export async function writeNewTrees(
  store: ObjectStore,
  list: readonly ReadonlyMap<string, Entry | null>[],
  options: { missing?: boolean } = {},
): Promise<string[]> {
  return writeFolders(
    store,
    list.map((entries) => {
      const edits = parseEdits(entries);
      const oid = edits.find((e) => e.item)?.item?.oid;
      return { dirs: apply(edits, new Map([['', new Map()]])), format: oid ? formatOf(oid) : undefined };
    }),
    undefined,
    options.missing ? ['--missing'] : [],
  );
}

/** The ids writeNewTrees would give the same trees, computed without git. */
export function newTreeIds(list: readonly ReadonlyMap<string, Entry | null>[], format: 'sha1' | 'sha256'): string[] {
  return list.map((entries) => folderIds(apply(parseEdits(entries), new Map([['', new Map()]])), format).get('')!);
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

// The id of every folder of `dirs` as git computes it, deepest first (a folder's entry needs its child's id); a folder
// left without files is dropped from its parent, as the index drops it (its id is undefined, the root's never is).
function folderIds(dirs: Map<string, Map<string, Item>>, format: 'sha1' | 'sha256'): Map<string, string | undefined> {
  const ids = new Map<string, string | undefined>();
  for (const path of [...dirs.keys()].sort((a, b) => depthOf(b) - depthOf(a))) {
    const entries = folderEntries(dirs, ids, path);
    ids.set(path, entries.length || path === '' ? objectId('tree', treeBody(entries), format) : undefined);
  }
  return ids;
}

// A folder's entries with their final ids: a rewritten child's from `ids`, an empty tree's none.
function folderEntries(
  dirs: Map<string, Map<string, Item>>,
  ids: Map<string, string | undefined>,
  path: string,
): RawTreeEntry[] {
  const entries: RawTreeEntry[] = [];
  for (const [name, item] of dirs.get(path)!) {
    let oid: string | undefined = item.oid;
    if (item.mode === TREE)
      oid = dirs.has(join(path, name)) ? ids.get(join(path, name)) : EMPTY_TREE.has(oid) ? undefined : oid;
    if (oid !== undefined) entries.push({ mode: item.mode, oid, name: bytesOf(name) });
  }
  return entries;
}

/**
 * Writes trees (each the folders of an edit, by path) and returns their roots' ids. Where the hash is known, the ids
 * are computed first, and a root the run's shared reader (tree-reader.ts) finds in the repository already (the same
 * merge as a run before) is not written again; the others go through one `mktree --batch` (`writer`, when the caller
 * started it), whose ids must equal ours.
 */
async function writeFolders(
  store: ObjectStore,
  trees: readonly { dirs: Map<string, Map<string, Item>>; format: 'sha1' | 'sha256' | undefined }[],
  writer?: Promise<GitSession>,
  flags: readonly string[] = [],
): Promise<string[]> {
  const expected = trees.map((t) => (t.format ? folderIds(t.dirs, t.format) : undefined));
  const roots = expected.map((ids) => ids?.get(''));
  const reader = writer ? undefined : sharedTreeReader(store);
  const asked = roots.filter((r): r is string => r !== undefined);
  const found = reader && asked.length ? await (await reader).info(asked) : [];
  const present = new Set(found.flatMap((a) => (a?.type === 'tree' ? [a.oid] : [])));
  const todo = [...trees.keys()].filter((i) => !present.has(roots[i] ?? ''));
  if (!todo.length) return roots as string[];
  const session = await (writer ?? startGit(store.dir, ['mktree', '--batch', '-z', ...flags], { env: store.env }));
  try {
    const out = [...roots];
    for (const i of todo) out[i] = await writeLevels(session, trees[i]!.dirs, expected[i]);
    await session.end();
    return out as string[];
  } finally {
    await Promise.allSettled([session.end()]);
  }
}

// Writes one tree's folders, deepest first, one level per round trip; checks each id against `expected`.
async function writeLevels(
  session: GitSession,
  dirs: Map<string, Map<string, Item>>,
  expected: Map<string, string | undefined> | undefined,
): Promise<string> {
  const written = new Map<string, string | undefined>();
  const paths = [...dirs.keys()].sort((a, b) => depthOf(b) - depthOf(a));
  for (let k = 0; k < paths.length;) {
    const depth = depthOf(paths[k]!);
    const level: string[] = [];
    const parts: Buffer[] = [];
    for (; k < paths.length && depthOf(paths[k]!) === depth; k++) {
      const path = paths[k]!;
      const entries = folderEntries(dirs, written, path);
      if (!entries.length && path !== '') {
        written.set(path, undefined);
        continue;
      }
      level.push(path);
      for (const e of entries) {
        const type = e.mode === TREE ? 'tree' : e.mode === '160000' ? 'commit' : 'blob';
        parts.push(Buffer.from(`${e.mode} ${type} ${e.oid}\t`), e.name, Buffer.from([0]));
      }
      parts.push(Buffer.from([0]));
    }
    if (!level.length) continue;
    session.write(Buffer.concat(parts));
    for (const path of level) {
      const oid = await session.readLine();
      if (expected && oid !== expected.get(path))
        throw new Error(`git wrote the folder "${path}" as tree ${oid}, where ${expected.get(path)} was computed`);
      written.set(path, oid);
    }
  }
  return written.get('')!;
}
