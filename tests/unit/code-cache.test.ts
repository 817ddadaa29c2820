import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDir, contentHash, loadBundle } from '../../src/code-cache.ts';
import { tempDir } from '../helpers/tmp.ts';

// What the cached runs themselves do (written, accepted, replaced) is covered end to end in tests/e2e/code-cache.test.ts.
describe('loadBundle', () => {
  it('runs a CommonJS file with its own module, require, __filename and __dirname', () => {
    const dir = tempDir();
    const file = join(dir, 'bundle.cjs');
    writeFileSync(
      file,
      "exports.answer = 6 * 7; module.exports.where = [__filename, __dirname]; exports.sep = require('node:path').sep;\n",
    );
    const loaded = loadBundle<{ answer: number; where: string[]; sep: string }>(file, {
      DETML_CODE_CACHE_DIR: join(dir, 'cache'),
    });
    expect(loaded.exports).toEqual({ answer: 42, where: [file, dir], sep: '/' });
    expect(loaded.cache).toBe('miss');
    expect(loadBundle(file, { NODE_DISABLE_COMPILE_CACHE: '1' }).cache).toBe('off');
  });

  it("hands the bundle to Node's own compile cache where Node has one, in the same private folder", () => {
    const dir = tempDir();
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, 'exports.via = typeof module.require;\n');
    const asked: (string | undefined)[] = [];
    const enableCompileCache = (d?: string) => (asked.push(d), { status: 1 });
    const loaded = loadBundle<{ via: string }>(
      file,
      { DETML_CODE_CACHE_DIR: join(dir, 'cache') },
      { enableCompileCache },
    );
    expect(loaded).toEqual({ exports: { via: 'function' }, cache: 'node' });
    expect(asked).toEqual([join(dir, 'cache')]);
    // Node could not use the folder: the V8 code cache path takes over; switched off: Node's cache is not asked.
    expect(
      loadBundle(file, { DETML_CODE_CACHE_DIR: join(dir, 'cache2') }, { enableCompileCache: () => ({ status: 0 }) })
        .cache,
    ).toBe('miss');
    expect(loadBundle(file, { NODE_DISABLE_COMPILE_CACHE: '1' }, { enableCompileCache }).cache).toBe('off');
    expect(asked).toHaveLength(1);
  });

  it('keys the cache by content: equal bytes share a key, one changed byte does not', () => {
    const a = Buffer.from('exports.v = 1;\n');
    expect(contentHash(a)).toBe(contentHash(Buffer.from(a)));
    expect(contentHash(Buffer.from('exports.v = 2;\n'))).not.toBe(contentHash(a));
    expect(contentHash(a)).toMatch(/^[0-9a-f]{32}$/);
  });

  it("throws the bundle's own error, with the bundle file in its stack", () => {
    const file = join(tempDir(), 'broken.cjs');
    writeFileSync(file, "throw new Error('bundle failed at load');\n");
    let caught: Error | undefined;
    try {
      loadBundle(file, { NODE_DISABLE_COMPILE_CACHE: '1' });
    } catch (error) {
      caught = error as Error;
    }
    expect(caught?.message).toBe('bundle failed at load');
    expect(caught?.stack).toContain(`${file}:1`);
  });
});

describe('codeCacheDir', () => {
  it('makes a private folder, and refuses one that others can write to', () => {
    const base = tempDir();
    const mine = join(base, 'mine');
    expect(codeCacheDir({ DETML_CODE_CACHE_DIR: mine })).toBe(mine);
    const shared = join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o775);
    expect(codeCacheDir({ DETML_CODE_CACHE_DIR: shared })).toBeUndefined();
    writeFileSync(join(base, 'file'), '');
    expect(codeCacheDir({ DETML_CODE_CACHE_DIR: join(base, 'file') })).toBeUndefined();
  });
});
