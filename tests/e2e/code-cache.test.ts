// The command bundles load through V8's code cache (src/code-cache.ts). These runs of the built CLI check that the
// cache is written once, accepted by V8 on the next run (not rewritten), replaced when corrupt or stale, never read
// from a folder other users could write to, and that none of it changes what a command prints.
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

// Node >= 22.1 has its own compile cache, which the loader prefers; these runs then check V8's cache files only on
// Node versions without it.
const nodeHasCompileCache =
  typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const entries = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.bin'))
    .sort();

async function syncHelp(cacheDir: string, extra: Record<string, string | undefined> = {}) {
  const r = await runCli(['sync', '--help'], {
    cwd: tempDir(),
    env: { DETML_CODE_CACHE_DIR: cacheDir, NODE_DISABLE_COMPILE_CACHE: undefined, ...extra },
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('create-detml sync');
  return r.stdout;
}

describe('code cache of the command bundles', () => {
  it.skipIf(nodeHasCompileCache)('is written by the first run and used, unchanged, by the next', async () => {
    const cache = join(tempDir(), 'cache');
    const first = await syncHelp(cache);
    const [entry] = entries(cache);
    expect(entries(cache)).toHaveLength(1);
    expect(entry).toMatch(new RegExp(`^sync\\.cjs-[0-9a-f]{8}-${process.version.replace(/\./g, '\\.')}-`));
    expect(statSync(cache).mode & 0o077).toBe(0);
    expect(statSync(join(cache, entry!)).mode & 0o077).toBe(0);
    const before = statSync(join(cache, entry!));
    // A rejected cache would be rewritten through a rename: a new inode. An accepted one is left alone.
    expect(await syncHelp(cache)).toBe(first);
    const after = statSync(join(cache, entry!));
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
  });

  it.skipIf(nodeHasCompileCache)(
    'replaces a corrupt entry and removes entries of earlier bundle versions',
    async () => {
      const cache = join(tempDir(), 'cache');
      const expected = await syncHelp(cache);
      const [entry] = entries(cache);
      const stale = entry!.replace(/-[0-9a-f]{32}\.bin$/, `-${'0'.repeat(32)}.bin`);
      expect(stale).not.toBe(entry);
      writeFileSync(join(cache, stale), 'old bundle version');
      writeFileSync(join(cache, entry!), 'not V8 code cache at all');
      expect(await syncHelp(cache)).toBe(expected);
      expect(entries(cache)).toEqual([entry]);
      expect(statSync(join(cache, entry!)).size).toBeGreaterThan(1000);
    },
  );

  it('runs the new code after a same-size update that kept the mtime (the key is the content, not size and mtime)', async () => {
    const copy = join(tempDir(), 'dist');
    cpSync(join(ROOT, 'dist'), copy, { recursive: true });
    const bundle = join(copy, 'sync.cjs');
    // A whole-second mtime, so that restoring it below is exact (as tar, rsync -t or cp -p restore it).
    utimesSync(bundle, 1_700_000_000, 1_700_000_000);
    const cache = join(tempDir(), 'cache');
    const help = (dist: string) =>
      runCli(['sync', '--help'], {
        cwd: tempDir(),
        env: { DETML_CODE_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: undefined },
        bin: join(dist, 'main.cjs'),
      });
    expect((await help(copy)).stdout).toContain('create-detml sync');
    expect((await help(copy)).stdout).toContain('create-detml sync');
    const before = statSync(bundle);
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('create-detml sync');
    writeFileSync(bundle, text.replaceAll('create-detml sync', 'CREATE-DETML SYNC'));
    utimesSync(bundle, 1_700_000_000, 1_700_000_000);
    expect([statSync(bundle).size, statSync(bundle).mtimeMs]).toEqual([before.size, before.mtimeMs]);
    const after = await help(copy);
    expect(after.stderr).toBe('');
    expect(after.stdout).toContain('CREATE-DETML SYNC');
    expect(after.stdout).not.toContain('create-detml sync');
  });

  it('is not used from a folder other users can write to, nor when NODE_DISABLE_COMPILE_CACHE is set', async () => {
    const shared = join(tempDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const expected = await syncHelp(shared);
    expect(entries(shared)).toEqual([]);
    const off = join(tempDir(), 'off');
    expect(await syncHelp(off, { NODE_DISABLE_COMPILE_CACHE: '1' })).toBe(expected);
    expect(() => readdirSync(off)).toThrow();
  });

  it('a command that fails still reports one line and its exit code through the cached bundle', async () => {
    const cache = join(tempDir(), 'cache');
    for (let run = 0; run < 2; run++) {
      const r = await runCli(['sync', '--no-such-flag'], { cwd: tempDir(), env: { DETML_CODE_CACHE_DIR: cache } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('--no-such-flag');
    }
  });
});
