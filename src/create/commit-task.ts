import { closeSync, fchmodSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import {
  clearFileState,
  isFileNew,
  isFilePending,
  isFileStateDeleted,
  isFileStateModified,
  setCommittedFile,
} from 'mem-fs-editor/state';
import type { EnvironmentBase } from 'yeoman-environment';
import { copyStreamed, StreamedContents } from './streamed-copy.ts';

/** Large binaries copied at once: enough to overlap their copies, few enough to stay far below open-file limits. */
const COPIES_IN_FLIGHT = 16;

/**
 * The generator's commit (yeoman's `customCommitTask` feature): yeoman's conflicter and mem-fs-editor's writer, with
 * three differences. It reads no `.yo-resolve` files: yeoman looks for them in every folder above each file, so a file
 * outside the project could make create skip files its state records, and each miss costs a failed stat per folder
 * per file. It writes each file without a thread-pool round trip per call (writeCommitted). And into an empty folder
 * (create's staging folder always is: collisions with the target were settled by the conflicter before it was made,
 * src/create/collisions.ts) it skips the conflicter, whose every answer there is "create", and with it the stream
 * pipeline the conflicter needs: Node compiles its stream functions on first call, a cost every create paid.
 */
export async function commitRender(env: EnvironmentBase, destination: string): Promise<void> {
  // The conflicter (and the diff and table modules it brings) loads only for a folder that holds files.
  const conflicter = isEmptyFolder(destination) ? undefined : await import('@yeoman/conflicter');
  const files = conflicter ? await approvedBy(conflicter, env) : env.sharedFs.all().filter(isFilePending);
  await commitFiles(files, COPIES_IN_FLIGHT);
}

// The pending files the conflicter lets through (it clears the state of those it skips), in the store's order.
async function approvedBy(conflicter: typeof import('@yeoman/conflicter'), env: EnvironmentBase): Promise<object[]> {
  // yeoman-environment carries its own copy of mem-fs, whose stream types differ from mem-fs-editor's only in name.
  const pipeline = env.sharedFs.pipeline.bind(env.sharedFs) as (...steps: unknown[]) => Promise<void>;
  const approved: object[] = [];
  const collect = new Transform({
    objectMode: true,
    transform(file: object, _encoding, done) {
      if (isFilePending(file as never)) approved.push(file);
      done(null, file); // passed on: mem-fs keeps in its store only the files that come out of the pipeline
    },
  });
  const stages = [conflicter.forceYoFiles(), conflicter.createConflicterTransform(env.adapter, env.conflicterOptions)];
  await pipeline({ filter: isFilePending }, ...stages, collect);
  return approved;
}

/**
 * Writes each file as mem-fs-editor's commit does. Files with bytes are written on the spot (writeCommitted says
 * why); large binaries are cloned or copied in pieces (file-copy.ts), at most `width` at once. A failure fails the
 * commit once the copies under way have settled; from the moment one is known, no further file is started.
 */
export async function commitFiles(files: Iterable<object>, width: number): Promise<void> {
  const folders = new Set<string>();
  const copies = new Set<Promise<void>>();
  let failed: { error: unknown } | undefined;
  try {
    for (const file of files) {
      if (failed) break;
      const f = file as PendingFile & { streamed?: unknown };
      if (!(f.streamed instanceof StreamedContents)) {
        writeCommitted(f, folders);
        continue;
      }
      const copy: Promise<void> = commitStreamed(f, f.streamed).then(
        () => void copies.delete(copy),
        (error: unknown) => {
          copies.delete(copy);
          failed ??= { error };
        },
      );
      copies.add(copy);
      if (copies.size >= width) await Promise.race(copies);
    }
  } finally {
    await Promise.all(copies); // each settles without rejecting: failures are kept in `failed`
  }
  if (failed) throw failed.error;
}

// mem-fs-editor's writer takes bytes; a large binary is copied from its file instead and marked committed the same way.
async function commitStreamed(file: PendingFile, streamed: StreamedContents): Promise<void> {
  setCommittedFile(file as never);
  await copyStreamed(file.path, streamed, file.stat?.mode ?? 0o644);
  clearFileState(file as never);
}

/** What the writer reads of a mem-fs file. */
interface PendingFile {
  path: string;
  contents: Buffer | null;
  stat?: { mode?: number } | null;
}

// mem-fs-editor's commitFileAsync (mem-fs-editor/transform), synchronously, with the same states and results. Its
// awaited calls per file (stat, mkdir, open, write, close, stat, chmod) are each a round trip through libuv's thread
// pool, and for a project's few dozen small files those round trips cost more than the writes: create's whole run
// measured ~18 ms faster this way (bench/README.md). `folders` remembers the folders already made.
function writeCommitted(file: PendingFile, folders: Set<string>): void {
  if (isFileStateModified(file as never)) {
    setCommittedFile(file as never);
    const { contents } = file;
    if (!contents) throw new Error(`${file.path} cannot write an empty file`);
    const folder = dirname(file.path);
    if (!folders.has(folder)) mkdirSync(folder, { recursive: true });
    folders.add(folder);
    const mode = file.stat?.mode;
    const fd = openSync(file.path, 'w', mode);
    try {
      for (let done = 0; done < contents.length;) done += writeSync(fd, contents, done, contents.length - done);
      // open() applies the mode through the umask, and only to a new file; the file's mode is the one it records.
      if (mode !== undefined) fchmodSync(fd, mode & 0o7777);
    } finally {
      closeSync(fd);
    }
  } else if (isFileStateDeleted(file as never) && !isFileNew(file as never)) {
    setCommittedFile(file as never);
    rmSync(file.path, { recursive: true, force: true });
    folders.clear(); // the removed path may have been a folder this commit made
  }
  clearFileState(file as never);
}

function isEmptyFolder(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false; // absent or unreadable: let yeoman's own stages look at each file
  }
}
