import { readdirSync } from 'node:fs';
import { Transform } from 'node:stream';
import { clearFileState, isFilePending, setCommittedFile } from 'mem-fs-editor/state';
import { createCommitTransform } from 'mem-fs-editor/transform';
import type { EnvironmentBase } from 'yeoman-environment';
import { copyStreamed, StreamedContents } from './streamed-copy.ts';

/** Files written at once: enough to hide each write's round trips, few enough to stay far below open-file limits. */
const WRITES_IN_FLIGHT = 16;

/**
 * The generator's commit (yeoman's `customCommitTask` feature): the environment's own pipeline, conflicter and
 * mem-fs-editor writer, with three differences. It reads no `.yo-resolve` files: yeoman looks for them in every folder
 * above each file, so a file outside the project could make create skip files its state records, and each miss costs a
 * failed stat per folder per file. It writes several files at once instead of one after another. And into an empty
 * folder (create's staging folder always is: collisions with the target were settled by the conflicter before it was
 * made, src/create/collisions.ts) it skips the conflicter's stages, whose every answer there is "create".
 */
export async function commitRender(env: EnvironmentBase, destination: string): Promise<void> {
  // yeoman-environment carries its own copy of mem-fs, whose stream types differ from mem-fs-editor's only in name.
  const pipeline = env.sharedFs.pipeline.bind(env.sharedFs) as (...steps: unknown[]) => Promise<void>;
  // The conflicter (and the diff and table modules it brings) loads only for a folder that holds files.
  const conflicter = isEmptyFolder(destination) ? undefined : await import('@yeoman/conflicter');
  const stages = conflicter
    ? [conflicter.forceYoFiles(), conflicter.createConflicterTransform(env.adapter, env.conflicterOptions)]
    : [];
  await pipeline({ filter: isFilePending }, ...stages, concurrentCommit(WRITES_IN_FLIGHT));
}

/**
 * mem-fs-editor's commit transform writes one file at a time, each a chain of awaited stat/open/write/close calls.
 * This hands each file to its own commit transform, at most `width` at once, and passes the written files on.
 */
export function concurrentCommit(width: number): Transform {
  const inFlight = new Set<Promise<void>>();
  return new Transform({
    objectMode: true,
    transform(file, _encoding, done) {
      const written = commitOne(file).then((out) => {
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
async function commitOne<T>(file: T): Promise<T> {
  const f = file as { path: string; streamed?: unknown; stat?: { mode?: number } };
  if (f.streamed instanceof StreamedContents) {
    setCommittedFile(file as never);
    await copyStreamed(f.path, f.streamed, f.stat?.mode ?? 0o644);
    clearFileState(file as never);
    return file;
  }
  return new Promise((resolve, reject) => {
    const commit = createCommitTransform();
    commit.once('data', resolve);
    commit.once('error', reject);
    commit.end(file);
  });
}

function isEmptyFolder(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false; // absent or unreadable: let yeoman's own stages look at each file
  }
}
