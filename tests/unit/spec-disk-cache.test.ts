// The on-disk store of precompiled template code (src/templates/spec-disk-cache.ts) holds code we run: it lives in
// the code cache's folder under the same rules, is written atomically, and a damaged or foreign entry is never run.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it, vi } from 'vitest';
import { codeCacheDir } from '../../src/code-cache.ts';
import { TemplateSpecs, templateKey } from '../../src/templates/compiled-templates.ts';
import { SpecDiskCache } from '../../src/templates/spec-disk-cache.ts';
import { tempDir } from '../helpers/tmp.ts';

const SOURCE = 'hello {{name}}\n';
const KEY = templateKey(Handlebars.VERSION, SOURCE);

/** A render of SOURCE through a fresh process's specs (empty table, so only the store can spare the compile). */
function renderOnce(dir: string | undefined, store = new SpecDiskCache(() => dir)) {
  const specs = new TemplateSpecs(Handlebars.VERSION, () => undefined, undefined, store);
  const out = Handlebars.template(specs.spec(SOURCE))({ name: 'x' });
  return { out, counts: specs.counts };
}

const entryFile = (dir: string) => join(dir, `hbs-${KEY}.js`);

describe('precompiled code on disk', () => {
  it('is written once, readable only by us, and spares the next run the compile', () => {
    const dir = codeCacheDir({ DETML_CODE_CACHE_DIR: join(tempDir(), 'cache') })!;
    expect(renderOnce(dir)).toEqual({ out: 'hello x\n', counts: { table: 0, memo: 0, disk: 0, compiled: 1 } });
    expect(statSync(entryFile(dir)).mode & 0o077).toBe(0);
    expect(readdirSync(dir)).toEqual([`hbs-${KEY}.js`]); // no partial file left behind
    expect(renderOnce(dir)).toEqual({ out: 'hello x\n', counts: { table: 0, memo: 0, disk: 1, compiled: 0 } });
  });

  it.each([
    ['garbage', () => 'not code at all'],
    ['a torn write', (text: string) => text.slice(0, text.length - 20)],
    ['code edited under its checksum', (text: string) => text.replace('hello ', 'HACKED ')],
    ['a valid checksum over code that does not evaluate', () => `// sha256 ${sha('}{')}\n}{`],
  ])('ignores %s, compiles, and rewrites the entry', (_what, damage) => {
    const dir = codeCacheDir({ DETML_CODE_CACHE_DIR: join(tempDir(), 'cache') })!;
    renderOnce(dir);
    writeFileSync(entryFile(dir), damage(readFileSync(entryFile(dir), 'utf8')));
    expect(renderOnce(dir)).toEqual({ out: 'hello x\n', counts: { table: 0, memo: 0, disk: 0, compiled: 1 } });
    expect(renderOnce(dir).counts.disk).toBe(1);
  });

  it.skipIf(process.getuid?.() !== 0)('never runs an entry another user owns', () => {
    const dir = codeCacheDir({ DETML_CODE_CACHE_DIR: join(tempDir(), 'cache') })!;
    renderOnce(dir);
    writeFileSync(entryFile(dir), readFileSync(entryFile(dir), 'utf8').replace('hello ', 'HACKED '));
    chownSync(entryFile(dir), 4242, 4242);
    expect(renderOnce(dir).out).toBe('hello x\n');
  });

  it('uses the code cache folder by default, and is off where that is: a folder others can write to, or NODE_DISABLE_COMPILE_CACHE', () => {
    const ours = join(tempDir(), 'ours');
    vi.stubEnv('DETML_CODE_CACHE_DIR', ours);
    try {
      renderOnce(undefined, new SpecDiskCache());
      expect(readdirSync(ours)).toEqual([`hbs-${KEY}.js`]);
      const open = join(tempDir(), 'open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      const off = join(tempDir(), 'off');
      for (const [dir, disable] of [
        [open, ''],
        [off, '1'],
      ] as const) {
        vi.stubEnv('DETML_CODE_CACHE_DIR', dir);
        vi.stubEnv('NODE_DISABLE_COMPILE_CACHE', disable);
        // Every run compiles, and nothing is written.
        expect(renderOnce(undefined, new SpecDiskCache()).counts.compiled).toBe(1);
        expect(renderOnce(undefined, new SpecDiskCache()).counts.compiled).toBe(1);
        expect(readdirSync(open)).toEqual([]);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('never turns a key that is not one of our digests into a path', () => {
    const dir = codeCacheDir({ DETML_CODE_CACHE_DIR: join(tempDir(), 'cache') })!;
    const store = new SpecDiskCache(() => dir);
    store.write('../escape', '{}');
    expect(store.read('../escape')).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });
});

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
