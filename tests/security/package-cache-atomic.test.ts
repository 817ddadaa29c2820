// The tarball cache writes atomically: a half-written file (a temporary left by a killed run, or a truncated entry from
// a writer that was not atomic) never becomes a cache entry, and a store leaves nothing but the entry behind.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { cacheDir } from '../../src/cache-dir.ts';
import {
  indexedIntegrity,
  indexIntegrity,
  integrityOf,
  readCachedTarball,
  storeTarball,
} from '../../sync/package-cache.ts';
import { tempDir } from '../helpers/tmp.ts';

const hexOf = (integrity: string) => Buffer.from(integrity.slice(7), 'base64').toString('hex');

describe('the tarball cache never takes a half-written file for an entry', () => {
  it('ignores stale temporaries and truncated entries, and a store leaves only the entry', () => {
    vi.stubEnv('DETML_CACHE_DIR', join(tempDir(), 'cache'));
    onTestFinished(() => void vi.unstubAllEnvs());
    const bytes = randomBytes(64 * 1024);
    const integrity = integrityOf(bytes);
    const half = bytes.subarray(0, bytes.length / 2);
    const tarballs = join(cacheDir(), 'tarballs');
    mkdirSync(tarballs, { recursive: true });

    // A killed run's temporary (the first half of the bytes) sits beside where the entry would go.
    const stale = join(tarballs, '.tmp-99999-0123456789ab');
    writeFileSync(stale, half);
    expect(readCachedTarball(integrity)).toBeUndefined();
    expect(readCachedTarball(integrityOf(half))).toBeUndefined();

    // A truncated entry under the right name fails the rehash and is removed.
    const entry = join(tarballs, `sha512-${hexOf(integrity)}.tgz`);
    writeFileSync(entry, half);
    expect(readCachedTarball(integrity)).toBeUndefined();
    expect(existsSync(entry)).toBe(false);

    storeTarball(bytes);
    expect(readCachedTarball(integrity)?.equals(bytes)).toBe(true);
    // Only the stale temporary (left for no one to read) and the entry: the store's own temporary is gone.
    expect(readdirSync(tarballs).sort()).toEqual(['.tmp-99999-0123456789ab', `sha512-${hexOf(integrity)}.tgz`].sort());

    // The version index: a half-written line is no integrity, a temporary beside it is not read.
    const index = join(cacheDir(), 'index');
    mkdirSync(index, { recursive: true });
    writeFileSync(join(index, 'create-detml@9.9.9'), integrity.slice(0, 40));
    writeFileSync(join(index, '.tmp-99999-0123456789ab'), `${integrity}\n`);
    expect(indexedIntegrity('9.9.9')).toBeUndefined();
    indexIntegrity('9.9.9', integrity);
    expect(indexedIntegrity('9.9.9')).toBe(integrity);
    expect(readdirSync(index).sort()).toEqual(['.tmp-99999-0123456789ab', 'create-detml@9.9.9'].sort());
  });
});
