// Large binaries (model weights) reach the project without ever being held in memory: yeoman's commit writes a
// stream of the template file, checked against the sha256 the state file records, and collisions compare by streaming.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { UserError } from '../errors.ts';
import { fileDigests } from '../templates/file-digests.ts';
import type { StreamedFile } from '../templates/render.ts';

/**
 * The template file's bytes as a stream that fails at its end unless the file still has the sha256 the state file
 * records: the digest is remembered for the file's exact state (file-digests.ts), so a file that changed while it
 * was copied is hashed again and fails, and an unchanged one is not read a second time.
 */
export function verifiedSource(file: StreamedFile, sha256: string): Readable {
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk);
    },
    flush(done) {
      done(
        fileDigests(file.source, ['sha256']).sha256 === sha256
          ? null
          : new UserError(`${file.source} changed while it was being copied; run the command again.`),
      );
    },
  });
  return createReadStream(file.source, { highWaterMark: 1 << 20 })
    .on('error', (error) => check.destroy(error))
    .pipe(check);
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
