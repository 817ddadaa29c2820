// Large binaries (model weights) reach the project without ever being held in memory: create's commit task copies the
// template file (file-copy.ts), checked against the sha256 the state file records; collisions compare by streaming.
// Through fs's callbacks, not node:fs/promises, which every create would otherwise load for these calls only.
import { chmod, closeSync, mkdir, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../errors.ts';
import { fileDigests } from '../templates/file-digests.ts';
import type { StreamedFile } from '../templates/render.ts';
import { copyFileContents } from './file-copy.ts';

/** A large binary's place in yeoman's mem-fs: which template file to copy, and the sha256 the state file records. */
export class StreamedContents {
  constructor(
    readonly file: StreamedFile,
    readonly sha256: string,
  ) {}
}

/**
 * Copies a large binary into place (a clone, or a copy in pieces: never the whole file in memory), with its mode,
 * then checks that the template file still has the sha256 the state file records: the digest is remembered for the
 * file's exact state (file-digests.ts), so a file that changed while it was copied is hashed again and fails, and an
 * unchanged one is not read a second time.
 */
export async function copyStreamed(path: string, contents: StreamedContents, mode: number): Promise<void> {
  await promisify(mkdir)(dirname(path), { recursive: true });
  await copyFileContents(contents.file.source, path);
  await promisify(chmod)(path, mode);
  if (fileDigests(contents.file.source, ['sha256']).sha256 !== contents.sha256)
    throw new UserError(`${contents.file.source} changed while it was being copied; run the command again.`);
}

/** Whether the file at `path` holds exactly the template file's bytes, compared 1 MiB at a time. */
export function sameBytesAs(path: string, file: StreamedFile): boolean {
  const st = statSync(path);
  if (!st.isFile() || st.size !== file.size) return false;
  const [a, b] = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
  const [fa, fb] = [openSync(path, 'r'), openSync(file.source, 'r')];
  try {
    for (;;) {
      const n = readSync(fa, a);
      const m = readSync(fb, b);
      if (n !== m || !a.subarray(0, n).equals(b.subarray(0, m))) return false;
      if (n === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}
