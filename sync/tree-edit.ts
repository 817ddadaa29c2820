// Edits a tree without an index: only the directories along the edited paths are read (one `git cat-file --batch`)
// and written again (one `git mktree --batch`); every other subtree keeps its id untouched, so the cost grows with the
// edits, not with the repository. The result is the tree that reading the base into a throwaway index, applying the
// edits with `update-index --index-info` and `write-tree` gives (tests/sync/tree-edit.test.ts compares both), which
// git has no single command for: hence this walk.
import { UserError } from '../src/errors.ts';
import { startGit, type GitSession } from '../src/git.ts';
import type { Entry } from './git-objects.ts';
import { indexAcceptsPath } from './index-path.ts';

interface Item {
  mode: string;
  oid: string;
}

const TREE = '040000';
const EMPTY_TREE = new Set([
  '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
]);

// Names are kept as latin1 strings (one character per byte), so a name that is not UTF-8 keeps its bytes.
const bytesOf = (name: string) => Buffer.from(name, 'latin1');
const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const depthOf = (path: string) => (path ? path.split('/').length : 0);
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * Applies `entries` (null removes a path) to `base` (or to an empty tree) and returns the new tree's id. Like git's
 * index: edits apply in order, a path git's index refuses is skipped, a file replaces a folder at its path or a file
 * at a parent's, and a folder left without files disappears.
 */
export async function editTree(
  dir: string,
  env: Record<string, string>,
  entries: ReadonlyMap<string, Entry | null>,
  base?: string,
): Promise<string> {
  const edits = parseEdits(entries);
  const sessions: GitSession[] = [];
  try {
    const [reader, writer] = await Promise.all([
      base ? startGit(dir, ['cat-file', '--batch'], { env }) : undefined,
      edits.length || !base ? startGit(dir, ['mktree', '--batch', '-z'], { env }) : undefined,
    ]);
    for (const s of [reader, writer]) if (s) sessions.push(s);
    const dirs = new Map<string, Map<string, Item>>();
    let root = '';
    if (reader) root = await readDirs(reader, base!, edits, dirs);
    else dirs.set('', new Map());
    const tree = writer ? await writeDirs(writer, apply(edits, dirs)) : root;
    await Promise.all(sessions.splice(0).map((s) => s.end()));
    return tree;
  } finally {
    // After a failure: close what is still open, so no git process waits on its stdin.
    await Promise.allSettled(sessions.map((s) => s.end()));
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

// Reads the base's directories along the edited paths, one level at a time (a level's ids come from the one above),
// and returns the base's tree id.
async function readDirs(
  reader: GitSession,
  base: string,
  edits: readonly Edit[],
  dirs: Map<string, Map<string, Item>>,
): Promise<string> {
  const touched = new Set<string>();
  for (const { path } of edits) for (let p = parentOf(path); p; p = parentOf(p)) touched.add(p);
  reader.write(`${base}^{tree}\n`);
  const { oid: root, items } = await readTree(reader, base);
  dirs.set('', items);
  const byDepth = [...touched].sort((a, b) => depthOf(a) - depthOf(b));
  for (let depth = 1, k = 0; k < byDepth.length; depth++) {
    const level: [string, string][] = [];
    for (; k < byDepth.length && depthOf(byDepth[k]!) === depth; k++) {
      const path = byDepth[k]!;
      const item = dirs.get(parentOf(path))?.get(nameOf(path));
      if (item?.mode === TREE) level.push([path, item.oid]);
    }
    if (!level.length) continue;
    reader.write(level.map(([, oid]) => `${oid}\n`).join(''));
    for (const [path, oid] of level) dirs.set(path, (await readTree(reader, oid)).items);
  }
  return root;
}

// One `cat-file --batch` answer: "<oid> tree <size>\n<raw tree>\n", the raw tree being "<mode> <name>\0<binary id>"...
async function readTree(reader: GitSession, name: string): Promise<{ oid: string; items: Map<string, Item> }> {
  const header = (await reader.readLine()).split(' ');
  if (header[1] !== 'tree') throw new UserError(`git cat-file: ${name} is not a tree (${header.slice(1).join(' ')})`);
  const oid = header[0]!;
  const raw = await reader.readBytes(Number(header[2]) + 1);
  const idLength = oid.length / 2;
  const items = new Map<string, Item>();
  for (let pos = 0; pos < raw.length - 1;) {
    const space = raw.indexOf(0x20, pos);
    const nul = raw.indexOf(0, space);
    const mode = raw.toString('latin1', pos, space).padStart(6, '0');
    items.set(raw.toString('latin1', space + 1, nul), {
      mode,
      oid: raw.toString('hex', nul + 1, nul + 1 + idLength),
    });
    pos = nul + 1 + idLength;
  }
  return { oid, items };
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
