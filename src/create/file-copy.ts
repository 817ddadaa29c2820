// Copies a model-sized file without holding it in memory and without making the user wait for the disk. Hand-written
// around fs.copyFile (libuv's copy), which truncates the new file before it copies into it; ext4 takes a file that
// was truncated and rewritten for an editor saving in place and, to protect it, starts writing the whole file to disk
// when it is closed (the auto_da_alloc heuristic). For a model that write-back ran inside create: 166–181 ms to copy
// 256 MB on the development machine, against 95 ms for cp and for the copy below, which writes into a new file. The
// pieces are read and written on the main thread, a few dozen MiB per turn of the event loop: through the thread pool
// (one call per piece, each on whichever worker is free) the same gigabyte took 300 ms in some runs and 0.8–2.8 s in
// others; on one thread, 270–375 ms in five runs of six and 670 ms in one (cp: 290–370 ms, and 705 ms once).
import { closeSync, constants, copyFile, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';

/** Bytes moved per read and write: large enough that the calls cost nothing next to the copying, small in memory. */
const PIECE = 4 << 20;
/** Pieces copied between two turns of the event loop, so a signal (Ctrl-C) is handled within a few tens of ms. */
const PIECES_PER_TURN = 16;

/**
 * Copies `from` to `to` (replacing it): as a clone where the filesystem has them (btrfs, XFS: no bytes move), else
 * read and written `piece` bytes at a time into a new file. A clone that fails for any reason falls back to the copy,
 * which reports a real problem (a missing source, no permission, a full disk) itself.
 */
export async function copyFileContents(from: string, to: string, piece = PIECE): Promise<void> {
  try {
    await promisify(copyFile)(from, to, constants.COPYFILE_FICLONE_FORCE);
    return;
  } catch {
    // No clone here: the copy below says what, if anything, is wrong.
  }
  rmSync(to, { force: true });
  const source = openSync(from, 'r');
  try {
    const target = openSync(to, 'wx');
    try {
      await copyPieces(source, target, Buffer.allocUnsafe(piece));
    } finally {
      closeSync(target);
    }
  } finally {
    closeSync(source);
  }
}

async function copyPieces(source: number, target: number, buffer: Buffer): Promise<void> {
  for (;;) {
    for (let i = 0; i < PIECES_PER_TURN; i++) {
      const bytesRead = readSync(source, buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      for (let done = 0; done < bytesRead;) done += writeSync(target, buffer, done, bytesRead - done);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
