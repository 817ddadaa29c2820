import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_LARGE_BLOBS } from '../src/git.ts';
import { runGit } from '../src/git-process.ts';
import { fileDigests } from '../src/templates/file-digests.ts';
import { blobId } from './bytes.ts';
import { editTree, writeNewTrees } from './tree-edit.ts';
import { listAt, sharedTreeReader, withTreeReader, type TreeReader } from './tree-reader.ts';

/** A tree entry: git file mode ("100644", "100755", "120000") and object id. */
export interface Entry {
  mode: string;
  oid: string;
}

/** Path -> entry for the files of a tree (blobs only, recursive). */
export type Listing = Map<string, Entry>;

/**
 * Where objects are read and written: a folder inside the repository, plus the environment every git call gets
 * (a dry run points GIT_OBJECT_DIRECTORY at a scratch folder) and the folder scratch files go to.
 */
export interface ObjectStore {
  dir: string;
  env: Record<string, string>;
  scratch?: string;
}

/** A repository folder (objects go to the repository itself) or an object store. */
export type Repo = string | ObjectStore;

/** The object store of a repository argument. */
export function storeOf(repo: Repo): ObjectStore {
  return typeof repo === 'string' ? { dir: repo, env: {} } : repo;
}

function scratchDir(store: ObjectStore, prefix: string): string {
  return mkdtempSync(join(store.scratch ?? tmpdir(), prefix));
}

/** A fixed identity and date for the synthetic commits that only feed the merge; they are never pushed. */
export const SYNTHETIC = {
  GIT_AUTHOR_NAME: 'create-detml',
  GIT_AUTHOR_EMAIL: 'create-detml@users.noreply.github.com',
  GIT_AUTHOR_DATE: '1970-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'create-detml',
  GIT_COMMITTER_EMAIL: 'create-detml@users.noreply.github.com',
  GIT_COMMITTER_DATE: '1970-01-01T00:00:00Z',
};

// From this size on a blob is written on its own: `git fast-import` packs it, then unpacks and recompresses it
// (several times `git hash-object -w`), and one fast-import process holding every large blob grows with all of them.
const LARGE_BLOB = 1 << 20;

/** A blob to write: bytes in memory, or a file git reads itself (a large binary streamed from a template). */
export type BlobSource = Buffer | { file: string; size: number };

/** git's SHA-1 id of a blob, without a git call; a file's comes from its digests (remembered per file state). */
export function sha1BlobId(source: BlobSource): string {
  return Buffer.isBuffer(source) ? blobId(source) : fileDigests(source.file, ['blobId']).blobId;
}

/**
 * Writes many blobs and returns their object ids, in order, writing only those the repository lacks: small ones
 * with one `git fast-import`; large ones (model files) each with `git hash-object -w`, so an unchanged model costs a
 * hash (remembered for a file) and a replaced one git's own write. `present` holds ids known to exist (blobs of a
 * tree the repository has). The others are asked of the run's shared reader (tree-reader.ts) when there is one; without
 * it, one `cat-file --batch-check` asks about the large ones only (for small ones it would cost what writing them does).
 */
export async function writeBlobs(
  repo: Repo,
  contents: readonly BlobSource[],
  present: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const store = storeOf(repo);
  // A SHA-1 id is only a question: it is used when it names an object that exists (a blob of a tree the repository
  // has, or git's answer; in a SHA-256 repository none does, and the blob is simply written), so a wrong guess can
  // never reach a tree.
  const guesses = contents.map(sha1BlobId);
  const isSmall = (c: BlobSource) => Buffer.isBuffer(c) && c.length < LARGE_BLOB;
  const reader = sharedTreeReader(store);
  const ask = [...new Set(guesses.filter((g, i) => !present.has(g) && (reader || !isSmall(contents[i]!))))];
  const have = new Set([...present, ...(await existingBlobs(store, ask, reader))]);
  const missing = [...contents.keys()].filter((i) => !have.has(guesses[i]!));
  const small = missing.filter((i) => isSmall(contents[i]!));
  const large = missing.filter((i) => !isSmall(contents[i]!));
  const [smallOids, largeOids] = await Promise.all([
    fastImport(
      store,
      small.map((i) => contents[i] as Buffer),
    ),
    writeLarge(
      store,
      large.map((i) => contents[i]!),
      large.map((i) => guesses[i]!),
    ),
  ]);
  const oids = [...guesses];
  small.forEach((i, k) => (oids[i] = smallOids[k]!));
  large.forEach((i, k) => (oids[i] = largeOids[k]!));
  return oids;
}

// The ids among `ids` that name blobs the repository has.
async function existingBlobs(
  store: ObjectStore,
  ids: readonly string[],
  reader: Promise<TreeReader> | undefined,
): Promise<string[]> {
  if (ids.length === 0) return [];
  if (reader) {
    const answers = await (await reader).info(ids);
    return answers.flatMap((a) => (a?.type === 'blob' ? [a.oid] : []));
  }
  const out = await runGit(store.dir, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    env: store.env,
    input: ids.join('\n') + '\n',
  });
  return out.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.endsWith(' blob'))
    .map((l) => l.split(' ')[0]!);
}

// Large blobs the repository lacks, each written once however often it appears (the same model in both renders).
async function writeLarge(
  store: ObjectStore,
  contents: readonly BlobSource[],
  guesses: readonly string[],
): Promise<string[]> {
  const written = new Map<string, string>();
  const oids: string[] = [];
  for (const [i, data] of contents.entries()) {
    const guess = guesses[i]!;
    if (!written.has(guess)) written.set(guess, await writeBlob(store, data));
    oids.push(written.get(guess)!);
  }
  return oids;
}

async function fastImport(repo: Repo, contents: readonly Buffer[]): Promise<string[]> {
  if (contents.length === 0) return [];
  const store = storeOf(repo);
  const scratch = scratchDir(store, 'detml-marks-');
  try {
    const marks = join(scratch, 'marks');
    const parts: Buffer[] = [];
    contents.forEach((c, i) =>
      parts.push(Buffer.from(`blob\nmark :${i + 1}\ndata ${c.length}\n`), c, Buffer.from('\n')),
    );
    parts.push(Buffer.from('done\n'));
    // unpackLimit=0: git keeps the imported pack as it is. Below the limit (100 objects by default) fast-import
    // starts `git unpack-objects` to turn it into loose objects, a second process that doubled a small import's time.
    const args = ['-c', 'fastimport.unpackLimit=0', 'fast-import', '--quiet', '--done', `--export-marks=${marks}`];
    await runGit(store.dir, args, {
      env: store.env,
      input: Buffer.concat(parts),
    });
    const { readFileSync } = await import('node:fs');
    const byMark = new Map(
      readFileSync(marks, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    return contents.map((_, i) => byMark.get(`:${i + 1}`) as string);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Builds a tree object from entries, optionally on top of an existing tree; a null entry deletes the path. Only the
 * folders along the entries' paths are read and written (sync/tree-edit.ts); no index is involved, so the user's is
 * never touched and the cost does not grow with the repository.
 */
export async function writeTree(
  repo: Repo,
  entries: ReadonlyMap<string, Entry | null>,
  base?: string,
): Promise<string> {
  return editTree(storeOf(repo), entries, base);
}

/**
 * Builds several trees from entries (no base) with one git process; their ids in order. With `missing`, entries may
 * name objects not written yet (their ids computed ahead, sync/object-ids.ts).
 */
export async function writeTrees(
  repo: Repo,
  list: readonly ReadonlyMap<string, Entry | null>[],
  options: { missing?: boolean } = {},
): Promise<string[]> {
  return writeNewTrees(storeOf(repo), list, options);
}

/**
 * Lists the files (and submodule gitlinks) of a tree-ish; with `paths`, only those and what folders there hold, read
 * along the paths (cost grows with them, not with the repository; sync/tree-reader.ts).
 */
export async function listTree(repo: Repo, treeish: string, paths?: readonly string[]): Promise<Listing> {
  const store = storeOf(repo);
  if (paths && paths.length === 0) return new Map();
  if (paths) return withTreeReader(store, (reader) => listAt(reader, treeish, paths));
  const args = ['ls-tree', '-r', '-z', '--full-tree', treeish];
  const out = (await runGit(store.dir, args, { env: store.env })).stdout.toString('utf8');
  const listing: Listing = new Map();
  for (const record of out.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ') as [string, string, string];
    if (type === 'blob' || type === 'commit') listing.set(record.slice(tab + 1), { mode, oid });
  }
  return listing;
}

/** Creates a commit object (no ref is moved); synthetic commits get a fixed identity and date. */
export async function commitTree(
  repo: Repo,
  tree: string,
  parents: readonly string[],
  message: string,
  identity: Record<string, string> | 'synthetic',
): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])];
  const store = storeOf(repo);
  const env = { ...store.env, ...(identity === 'synthetic' ? SYNTHETIC : identity) };
  return (await runGit(store.dir, args, { env, input: message })).stdout.toString('utf8').trim();
}

/** Reads blobs by id, through the run's shared reader when there is one (tree-reader.ts). */
export async function readBlobs(repo: Repo, oids: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return new Map();
  const blobs = await withTreeReader(storeOf(repo), (reader) => reader.blobs(unique));
  return new Map(unique.map((oid, i) => [oid, blobs[i]!]));
}

/** Writes one blob from memory, or from a file git streams into a pack itself (never the whole file in memory). */
export async function writeBlob(repo: Repo, contents: BlobSource | string): Promise<string> {
  const { dir, env } = storeOf(repo);
  const out =
    typeof contents === 'string' || Buffer.isBuffer(contents)
      ? await runGit(dir, ['hash-object', '-w', '--stdin'], { env, input: contents })
      : await runGit(dir, [...STREAM_LARGE_BLOBS, 'hash-object', '-w', '--no-filters', '--', contents.file], { env });
  return out.stdout.toString('utf8').trim();
}
