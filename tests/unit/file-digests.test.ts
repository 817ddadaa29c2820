// Large template files are hashed by streaming and their digests remembered per file state, as git's index does:
// a remembered digest is used only for the exact file it was computed from, never after any change to it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { fileDigests } from '../../src/templates/file-digests.ts';
import { tempDir } from '../helpers/tmp.ts';

const FAKE = 'a'.repeat(64);

function bytes(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + seed) & 0xff;
  return b;
}

// File times come from a coarse clock: wait until it has moved past the file's last change, as any later run would.
function settle(file: string): void {
  const changed = statSync(file, { bigint: true }).ctimeNs;
  while (BigInt(Date.now()) * 1_000_000n <= changed + 20_000_000n) execFileSync('sleep', ['0.01']);
}

describe('file digests', () => {
  let memoDir = '';
  beforeEach(() => {
    const cache = tempDir('detml-cache-');
    vi.stubEnv('DETML_CACHE_DIR', cache);
    onTestFinished(() => void vi.unstubAllEnvs());
    memoDir = join(cache, 'file-digests');
  });
  const entry = () => join(memoDir, readdirSync(memoDir)[0]!);
  const tamper = () => {
    const file = entry();
    const times = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${FAKE}"`));
    utimesSync(file, times.atime, times.mtime);
  };

  it('are sha256 and git blob id of the bytes, read whole in chunks', () => {
    const file = join(tempDir(), 'model.bin');
    const data = bytes(3 * (1 << 20) + 17, 1);
    writeFileSync(file, data);
    const blobId = execFileSync('git', ['hash-object', '--no-filters', file]).toString().trim();
    expect(fileDigests(file, ['sha256', 'blobId'])).toEqual({
      sha256: createHash('sha256').update(data).digest('hex'),
      blobId,
    });
  });

  it('are remembered for the same file: a second call does not read it', () => {
    const file = join(tempDir(), 'model.bin');
    writeFileSync(file, bytes(1 << 20, 2));
    settle(file);
    fileDigests(file, ['sha256']);
    // What the memo says is what comes back: proof that the file was not hashed again.
    tamper();
    expect(fileDigests(file, ['sha256']).sha256).toBe(FAKE);
  });

  it('are held for the rest of the process once the file last changed a second before it was read', () => {
    const file = join(tempDir(), 'model.bin');
    const data = bytes(1 << 20, 7);
    writeFileSync(file, data);
    const changed = statSync(file, { bigint: true }).ctimeNs;
    while (BigInt(Date.now()) * 1_000_000n <= changed + 1_050_000_000n) execFileSync('sleep', ['0.05']);
    fileDigests(file, ['sha256']);
    // The disk entry now lies, but this process asks it no more (a new process would: the test above).
    tamper();
    expect(fileDigests(file, ['sha256']).sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('are computed again after any change to the file, even one that keeps its size and modification time', () => {
    const file = join(tempDir(), 'model.bin');
    writeFileSync(file, bytes(1 << 20, 3));
    settle(file);
    fileDigests(file, ['sha256']);
    tamper();
    const { atime, mtime } = statSync(file);
    const changed = bytes(1 << 20, 4);
    writeFileSync(file, changed);
    utimesSync(file, atime, mtime);
    expect(fileDigests(file, ['sha256']).sha256).toBe(createHash('sha256').update(changed).digest('hex'));
  });

  it('ignore an entry written no later than the file last changed (it may predate a change in the same tick)', () => {
    const file = join(tempDir(), 'model.bin');
    const data = bytes(1 << 20, 5);
    writeFileSync(file, data);
    settle(file);
    fileDigests(file, ['sha256']);
    tamper();
    // A second before the file's change: (Date and utimes round to milliseconds, so the exact time is not exact.)
    const before = new Date(statSync(file).ctimeMs - 1000);
    utimesSync(entry(), before, before);
    expect(fileDigests(file, ['sha256']).sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('ignore an entry that names another file state or holds something other than digests', () => {
    const file = join(tempDir(), 'model.bin');
    const data = bytes(1 << 20, 6);
    writeFileSync(file, data);
    settle(file);
    fileDigests(file, ['sha256']);
    const memo = entry();
    const times = statSync(memo);
    for (const planted of [
      JSON.stringify({ key: 'another file', sha256: FAKE }),
      JSON.stringify({ ...JSON.parse(readFileSync(memo, 'utf8')), sha256: 'not a digest' }),
      'not json',
    ]) {
      writeFileSync(memo, planted);
      utimesSync(memo, times.atime, times.mtime);
      expect(fileDigests(file, ['sha256']).sha256).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('still work when the cache folder cannot be written', () => {
    const file = join(tempDir(), 'model.bin');
    const data = bytes(1 << 20, 7);
    writeFileSync(file, data);
    vi.stubEnv('DETML_CACHE_DIR', join(file, 'not-a-folder'));
    expect(fileDigests(file, ['sha256']).sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });
});
