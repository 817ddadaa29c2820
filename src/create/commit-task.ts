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
 * The generator's commit (yeoman's `customCommitTask` feature): the environment's own pipeline, conflicter and
 * mem-fs-editor writer, with three differences. It reads no `.yo-resolve` files: yeoman looks for them in every folder
 * above each file, so a file outside the project could make create skip files its state records, and each miss costs a
 * failed stat per folder per file. It writes each file without a thread-pool round trip per call (writeCommitted).
 * And into an empty folder (create's staging folder always is: collisions with the target were settled by the
 * conflicter before it was made, src/create/collisions.ts) it skips the conflicter's stages, whose every answer there
 * is "create".
 */
export async function commitRender(env: EnvironmentBase, destination: string): Promise<void> {
  // yeoman-environment carries its own copy of mem-fs, whose stream types differ from mem-fs-editor's only in name.
  const pipeline = env.sharedFs.pipeline.bind(env.sharedFs) as (...steps: unknown[]) => Promise<void>;
  // The conflicter (and the diff and table modules it brings) loads only for a folder that holds files.
  const conflicter = isEmptyFolder(destination) ? undefined : await import('@yeoman/conflicter');
  const stages = conflicter
    ? [conflicter.forceYoFiles(), conflicter.createConflicterTransform(env.adapter, env.conflicterOptions)]
    : [];
  await pipeline({ filter: isFilePending }, ...stages, concurrentCommit(COPIES_IN_FLIGHT));
}

/**
 * Writes each file as mem-fs-editor's commit does, and passes the written files on. Files with bytes are written on
 * the spot (writeCommitted says why); large binaries are copied by the kernel, at most `width` at once.
 */
export function concurrentCommit(width: number): Transform {
  const inFlight = new Set<Promise<void>>();
  const folders = new Set<string>();
  return new Transform({
    objectMode: true,
    transform(file, _encoding, done) {
      const written = commitOne(file, folders).then((out) => {
        inFlight.delete(written);
        this.push(out);
      });
      inFlight.add(written);
      // A failed write fails the pipeline, so nothing later is published; the others settle on their own.
      written.catch((error: Error) => this.destroy(error));
      if (inFlight.size < width) done();
      else
        Promise.race(inFlight).then(
          () => done(),
          () => undefined,
        );
    },
    flush(done) {
      Promise.all(inFlight).then(
        () => done(),
        () => undefined,
      );
    },
  });
}

// mem-fs-editor's writer takes bytes; a large binary is copied by the kernel instead and marked committed the same way.
async function commitOne<T>(file: T, folders: Set<string>): Promise<T> {
  const f = file as { path: string; streamed?: unknown; stat?: { mode?: number } };
  if (f.streamed instanceof StreamedContents) {
    setCommittedFile(file as never);
    await copyStreamed(f.path, f.streamed, f.stat?.mode ?? 0o644);
    clearFileState(file as never);
    return file;
  }
  writeCommitted(file as PendingFile, folders);
  return file;
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
