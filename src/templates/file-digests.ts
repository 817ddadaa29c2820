// Digests of large template files (model weights), computed by streaming and remembered across runs the way git's
// index remembers blob ids: by the file's path, device, inode, size and modification and change times. Any write to
// the file moves its change time (which no user call can set back), so a changed file is always hashed again; an
// entry is trusted only for a file last changed before the entry was written (git's "racy" rule), and a memo that
// cannot be read or written only costs the hash.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, writeCacheFile } from '../cache-dir.ts';
import { UserError } from '../errors.ts';

/** The two identities of a file's bytes: sha256 (the state file's) and git's SHA-1 blob id (sync's object ids). */
export interface FileDigests {
  sha256: string;
  blobId: string;
}

/** Which digest to compute. */
export type DigestKind = keyof FileDigests;

const FORMAT: Record<DigestKind, RegExp> = { sha256: /^[0-9a-f]{64}$/, blobId: /^[0-9a-f]{40}$/ };
const CHUNK = 1 << 20;

/**
 * The asked digests of a file, from the memo when it holds them for this exact file state, else by reading the file
 * once in 1 MiB chunks (memory stays flat whatever its size).
 */
export function fileDigests<K extends DigestKind>(file: string, kinds: readonly K[]): Pick<FileDigests, K> {
  const before = statSync(file, { bigint: true });
  const key = memoKey(file, before);
  const known = inProcess.get(key) ?? readMemo(key, before);
  const missing = kinds.filter((k) => known[k] === undefined);
  if (missing.length) {
    const started = BigInt(Date.now()) * 1_000_000n;
    Object.assign(known, hashFile(file, missing, before.size));
    // A file that changed while it was read gets no entry; the next run hashes it again.
    if (memoKey(file, statSync(file, { bigint: true })) !== key) return pick(known, kinds);
    writeMemo(key, known);
    // Held for this process only when its last change was a whole second before the read began (the racy rule).
    if (lastChange(before) + 1_000_000_000n < started) inProcess.set(key, known);
  } else inProcess.set(key, known);
  return pick(known, kinds);
}

// Digests this process already has, by file state: a sync asks for the same template file's several times.
const inProcess = new Map<string, Partial<FileDigests>>();

function pick<K extends DigestKind>(known: Partial<FileDigests>, kinds: readonly K[]): Pick<FileDigests, K> {
  return Object.fromEntries(kinds.map((k) => [k, known[k]!])) as Pick<FileDigests, K>;
}

function lastChange(st: BigIntStats): bigint {
  return st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
}

function hashFile(file: string, kinds: readonly DigestKind[], size: bigint): Partial<FileDigests> {
  const hashes = new Map<DigestKind, Hash>(kinds.map((k) => [k, createHash(k === 'sha256' ? 'sha256' : 'sha1')]));
  hashes.get('blobId')?.update(`blob ${size}\0`);
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(file, 'r');
  let total = 0n;
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      for (const h of hashes.values()) h.update(buffer.subarray(0, n));
      total += BigInt(n);
    }
  } finally {
    closeSync(fd);
  }
  // The blob id's header carries the size: bytes that changed length under us would give a wrong id.
  if (total !== size) throw new UserError(`${file} changed while it was being read; run the command again.`);
  return Object.fromEntries([...hashes].map(([k, h]) => [k, h.digest('hex')]));
}

function memoKey(file: string, st: BigIntStats): string {
  return ['v1', realpathSync.native(file), st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join('\0');
}

function memoFile(key: string): string {
  return join(cacheDir(), 'file-digests', `${createHash('sha256').update(key).digest('hex')}.json`);
}

function readMemo(key: string, st: BigIntStats): Partial<FileDigests> {
  const file = memoFile(key);
  try {
    // Written in the same clock tick as the file's last change, the entry may predate a second change in that tick.
    if (statSync(file, { bigint: true }).mtimeNs <= lastChange(st)) return {};
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (entry.key !== key) return {};
    const out: Partial<FileDigests> = {};
    for (const k of ['sha256', 'blobId'] as const) {
      const value = entry[k];
      if (typeof value === 'string' && FORMAT[k].test(value)) out[k] = value;
    }
    return out;
  } catch {
    return {}; // no entry yet, or one that is not ours to read
  }
}

function writeMemo(key: string, digests: Partial<FileDigests>): void {
  try {
    writeCacheFile(memoFile(key), `${JSON.stringify({ key, ...digests })}\n`);
  } catch {
    // A read-only or full cache folder only means hashing again next time.
  }
}
