// Reads trees and blobs through one `git cat-file --batch-command` for a whole sync run (listings at given paths, the folders a tree
// edit rewrites) instead of one `ls-tree` or `cat-file` process per question: each git process costs a fork of this
// one, which grows with its memory. Hand-written because git's own listing (`ls-tree`) answers one tree per process.
import { UserError } from '../src/errors.ts';
import { startGit, type GitSession } from '../src/git-process.ts';
import type { Entry, Listing, ObjectStore } from './git-objects.ts';

/** A tree's entry; trees have mode "040000". Names are latin1 strings (one character per byte). */
export interface TreeItem {
  mode: string;
  oid: string;
}

/** A tree read: its id and its entries by name. */
export interface ReadTree {
  oid: string;
  items: Map<string, TreeItem>;
}

export const TREE = '040000';

/**
 * One `git cat-file --batch-command`; questions of concurrent callers take turns, each answered in the order asked.
 * Besides trees it reads blobs, and says which objects exist without reading them (`info`).
 */
export class TreeReader {
  private turn: Promise<unknown> = Promise.resolve();
  private broken: unknown;
  private constructor(private readonly session: GitSession) {}

  /** Starts the reader's git process. */
  static async start(store: ObjectStore): Promise<TreeReader> {
    return new TreeReader(await startGit(store.dir, ['cat-file', '--batch-command'], { env: store.env }));
  }

  /** Reads trees by name (an id, or `<rev>^{tree}`), in order. */
  read(names: readonly string[]): Promise<ReadTree[]> {
    return this.ask(
      names.map((n) => `contents ${n}\n`),
      (i) => readOne(this.session, names[i]!),
    );
  }

  /** Reads blobs by id, in order. */
  blobs(oids: readonly string[]): Promise<Buffer[]> {
    return this.ask(
      oids.map((oid) => `contents ${oid}\n`),
      async (i) => {
        const header = (await this.session.readLine()).split(' ');
        if (header[1] !== 'blob')
          throw new UserError(`git cat-file: ${oids[i]} is not a blob (${header.slice(1).join(' ')})`);
        return (await this.session.readBytes(Number(header[2]) + 1)).subarray(0, -1);
      },
    );
  }

  /**
   * The object each of `names` names (its id and type as git answers them), or undefined for one the repository
   * lacks, without reading any object's contents.
   */
  info(names: readonly string[]): Promise<({ oid: string; type: string } | undefined)[]> {
    return this.ask(
      names.map((n) => `info ${n}\n`),
      async () => {
        const header = (await this.session.readLine()).split(' ');
        // "<name> missing" or "<name> ambiguous" name no object; "<oid> <type> <size>" one.
        return header.length === 3 ? { oid: header[0]!, type: header[1]! } : undefined;
      },
    );
  }

  /** Closes the process and waits for it. */
  end(): Promise<void> {
    return this.session.end();
  }

  // Sends the commands at once, then reads one answer per command, in turn with other callers.
  private ask<T>(commands: readonly string[], answer: (i: number) => Promise<T>): Promise<T[]> {
    const run = this.turn.then(async () => {
      if (this.broken) throw this.broken;
      try {
        if (commands.length) this.session.write(commands.join(''));
        const out: T[] = [];
        for (let i = 0; i < commands.length; i++) out.push(await answer(i));
        return out;
      } catch (error) {
        // Unread answers would be taken for the next question's: nothing more is asked of this process.
        this.broken = error;
        throw error;
      }
    });
    this.turn = run.catch(() => {});
    return run;
  }
}

// One answer: "<oid> tree <size>\n<raw tree>\n", the raw tree a run of "<mode> <name>\0<binary id>".
async function readOne(session: GitSession, name: string): Promise<ReadTree> {
  const header = (await session.readLine()).split(' ');
  if (header[1] !== 'tree') throw new UserError(`git cat-file: ${name} is not a tree (${header.slice(1).join(' ')})`);
  const oid = header[0]!;
  const raw = await session.readBytes(Number(header[2]) + 1);
  const idLength = oid.length / 2;
  const items = new Map<string, TreeItem>();
  for (let pos = 0; pos < raw.length - 1;) {
    const space = raw.indexOf(0x20, pos);
    const nul = raw.indexOf(0, space);
    items.set(raw.toString('latin1', space + 1, nul), {
      mode: raw.toString('latin1', pos, space).padStart(6, '0'),
      oid: raw.toString('hex', nul + 1, nul + 1 + idLength),
    });
    pos = nul + 1 + idLength;
  }
  return { oid, items };
}

const shared = new WeakMap<ObjectStore, { reader?: Promise<TreeReader> }>();

/** From now until closeTreeReader, every tree read on `store` goes through one git process, started on first use. */
export function shareTreeReader(store: ObjectStore): void {
  shared.set(store, {});
}

/** Ends the shared reader of `store`, if one was started. */
export async function closeTreeReader(store: ObjectStore): Promise<void> {
  const reader = shared.get(store)?.reader;
  shared.delete(store);
  if (reader) await (await reader).end();
}

/**
 * The store's shared reader while sharing is on (started on first use), else undefined: for questions worth asking
 * only where no git process has to start for them.
 */
export function sharedTreeReader(store: ObjectStore): Promise<TreeReader> | undefined {
  const slot = shared.get(store);
  return slot ? (slot.reader ??= TreeReader.start(store)) : undefined;
}

/** Runs `fn` with the store's shared reader, or with one of its own that is closed afterwards. */
export async function withTreeReader<T>(store: ObjectStore, fn: (reader: TreeReader) => Promise<T>): Promise<T> {
  const sharedReader = sharedTreeReader(store);
  if (sharedReader) return fn(await sharedReader);
  const reader = await TreeReader.start(store);
  try {
    const out = await fn(reader);
    await reader.end();
    return out;
  } finally {
    await Promise.allSettled([reader.end()]);
  }
}

export const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
export const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const depthOf = (path: string) => (path ? path.split('/').length : 0);
export const joinPath = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * Reads the root of `treeish` and every folder of it on the way to `paths` (latin1), one level per round trip (a
 * level's ids come from the one above); returns the folders read by path ("" the root) and the root's id.
 */
export async function readAlong(
  reader: TreeReader,
  treeish: string,
  paths: Iterable<string>,
): Promise<{ root: string; dirs: Map<string, Map<string, TreeItem>> }> {
  const wanted = new Set<string>();
  for (const path of paths) for (let p = parentOf(path); p; p = parentOf(p)) wanted.add(p);
  const [root] = await reader.read([`${treeish}^{tree}`]);
  const dirs = new Map([['', root!.items]]);
  const byDepth = [...wanted].sort((a, b) => depthOf(a) - depthOf(b));
  for (let depth = 1, k = 0; k < byDepth.length; depth++) {
    const level: [string, string][] = [];
    for (; k < byDepth.length && depthOf(byDepth[k]!) === depth; k++) {
      const item = dirs.get(parentOf(byDepth[k]!))?.get(nameOf(byDepth[k]!));
      if (item?.mode === TREE) level.push([byDepth[k]!, item.oid]);
    }
    if (!level.length) continue;
    const trees = await reader.read(level.map(([, oid]) => oid));
    level.forEach(([path], i) => dirs.set(path, trees[i]!.items));
  }
  return { root: root!.oid, dirs };
}

/**
 * The files and gitlinks of `treeish` at `paths` and, where a path is a folder, everything under it: what
 * `git ls-tree -r --full-tree <treeish> -- :(literal)<path>...` lists, in the same (byte) order.
 */
export async function listAt(reader: TreeReader, treeish: string, paths: readonly string[]): Promise<Listing> {
  const wanted = paths.map((p) => Buffer.from(p, 'utf8').toString('latin1'));
  const { dirs } = await readAlong(reader, treeish, wanted);
  const found: [string, Entry][] = [];
  let folders: [string, string][] = [];
  for (const path of new Set(wanted)) {
    const item = dirs.get(parentOf(path))?.get(nameOf(path));
    if (!item) continue;
    if (item.mode === TREE) folders.push([path, item.oid]);
    else found.push([path, item]);
  }
  // A folder at a path lists all it holds, a level per round trip.
  while (folders.length) {
    const trees = await reader.read(folders.map(([, oid]) => oid));
    const next: [string, string][] = [];
    folders.forEach(([dir], i) => {
      for (const [name, item] of trees[i]!.items) {
        if (item.mode === TREE) next.push([joinPath(dir, name), item.oid]);
        else found.push([joinPath(dir, name), item]);
      }
    });
    folders = next;
  }
  found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(
    found.map(([path, e]) => [Buffer.from(path, 'latin1').toString('utf8'), { mode: e.mode, oid: e.oid }]),
  );
}
