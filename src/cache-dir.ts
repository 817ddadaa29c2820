// The user's cache folder and the one way files are written into it: whole or not at all.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The cache folder: DETML_CACHE_DIR, else $XDG_CACHE_HOME/create-detml, else ~/.cache/create-detml. */
export function cacheDir(): string {
  return process.env.DETML_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-detml');
}

/** Writes a cache file atomically (a private temporary file, then one rename), so no reader sees half of it. */
export function writeCacheFile(file: string, data: Buffer | string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
