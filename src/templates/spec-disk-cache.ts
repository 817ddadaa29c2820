// A per-user cache of precompiled template code on disk, for sources the build's table does not hold (a
// --template-root, an older published version): a later run evaluates the stored code instead of loading the
// Handlebars compiler and compiling. The stored code is code we run, so it lives in the bundle code cache's folder
// under the same rules (src/code-cache.ts codeCacheDir: ours, 0700, writable by no one else, off with
// NODE_DISABLE_COMPILE_CACHE), every entry must be owned by us, and an entry whose checksum does not match its code
// (a torn or corrupt file) is ignored and rewritten.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeCacheFile } from '../cache-dir.ts';
import { codeCacheDir } from '../code-cache.ts';

/** Where precompiled code is kept between runs, by template key. */
export interface SpecStore {
  /** The stored code of a key, or undefined when absent, not ours or damaged. */
  read(key: string): string | undefined;
  /** Stores the code of a key; best effort. */
  write(key: string, code: string): void;
}

/** The store in the code cache folder; `dir` is resolved on first use, so a render that needs no store never asks. */
export class SpecDiskCache implements SpecStore {
  private resolved: { dir: string | undefined } | undefined;

  /** @param folder the cache folder, or undefined when caching is off (default: the code cache's folder) */
  constructor(private readonly folder: () => string | undefined = () => codeCacheDir()) {}

  read(key: string): string | undefined {
    const file = this.file(key);
    if (!file) return undefined;
    try {
      const st = statSync(file);
      if (!st.isFile() || (process.getuid && st.uid !== process.getuid())) return undefined;
      const text = readFileSync(file, 'utf8');
      const newline = text.indexOf('\n');
      const code = text.slice(newline + 1);
      return newline > 0 && text.slice(0, newline) === header(code) ? code : undefined;
    } catch {
      return undefined;
    }
  }

  write(key: string, code: string): void {
    const file = this.file(key);
    if (!file) return;
    try {
      writeCacheFile(file, `${header(code)}\n${code}`);
    } catch {
      // An optimisation only: a read-only or full disk costs the next run a compile.
    }
  }

  private file(key: string): string | undefined {
    this.resolved ??= { dir: this.folder() };
    // Keys are our own hex digests; anything else never becomes a path.
    return this.resolved.dir && /^[0-9a-f]{64}$/.test(key) ? join(this.resolved.dir, `hbs-${key}.js`) : undefined;
  }
}

function header(code: string): string {
  return `// sha256 ${createHash('sha256').update(code).digest('hex')}`;
}
