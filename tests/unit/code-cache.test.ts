import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDir, loadBundle } from '../../src/code-cache.ts';
import { tempDir } from '../helpers/tmp.ts';

// What the cached runs themselves do (written, accepted, replaced) is covered end to end in tests/e2e/code-cache.test.ts.
describe('loadBundle', () => {
  it('runs a CommonJS file with its own module, require, __filename and __dirname', () => {
    const dir = tempDir();
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, "exports.answer = 6 * 7; module.exports.where = [__filename, __dirname]; exports.sep = require('node:path').sep;\n");
    const loaded = loadBundle<{ answer: number; where: string[]; sep: string }>(file, { DETML_CODE_CACHE_DIR: join(dir, 'cache') });
    expect(loaded.exports).toEqual({ answer: 42, where: [file, dir], sep: '/' });
    expect(loaded.cache).toBe('miss');
    expect(loadBundle(file, { NODE_DISABLE_COMPILE_CACHE: '1' }).cache).toBe('off');
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
