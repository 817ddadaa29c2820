// A sync whose template model is unchanged reads no more of it than the 8,000 bytes that tell binary from text: its
// object id comes from the remembered digests and git already has the object. (fs is observed, not replaced.)
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { scenario } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

const reads = vi.hoisted(() => ({
  fds: new Map<number, string>(),
  bytes: new Map<string, number>(),
  whole: [] as string[],
}));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const count = (path: string, n: number) => reads.bytes.set(path, (reads.bytes.get(path) ?? 0) + n);
  const observed = {
    ...real,
    openSync: ((...args: Parameters<typeof real.openSync>) => {
      const fd = real.openSync(...args);
      reads.fds.set(fd, String(args[0]));
      return fd;
    }) as typeof real.openSync,
    readSync: ((...args: Parameters<typeof real.readSync>) => {
      const n = (real.readSync as (...a: unknown[]) => number)(...args);
      count(reads.fds.get(args[0]) ?? '', n);
      return n;
    }) as typeof real.readSync,
    readFileSync: ((...args: Parameters<typeof real.readFileSync>) => {
      reads.whole.push(String(args[0]));
      return (real.readFileSync as (...a: unknown[]) => unknown)(...args);
    }) as typeof real.readFileSync,
  };
  return { ...observed, default: observed };
});

describe('an unchanged model in the template', () => {
  it('is not read by a sync once its digests are known', async () => {
    vi.stubEnv('DETML_CACHE_DIR', tempDir('detml-cache-'));
    onTestFinished(() => void vi.unstubAllEnvs());
    const model = Buffer.alloc(3 << 20);
    for (let i = 0; i < model.length; i++) model[i] = (i * 173 + (i >> 9)) & 0xff;
    const p = await scenario({ 'weights/model.bin': model, 'config.txt': 'one\n' });
    p.release('1.1.0', { 'weights/model.bin': model, 'config.txt': 'two\n' });
    const files = ['1.0.0', '1.1.0'].map((v) => join(p.templateRoot, `demo@${v}`, 'files', 'weights/model.bin'));
    // Another run hashed both files earlier (a dry run here), after the file system's coarse clock moved past them.
    await new Promise((r) => setTimeout(r, 20));
    await p.sync({ to: '1.1.0', mode: 'dry-run' });

    reads.bytes.clear();
    reads.whole.length = 0;
    const r = await p.sync({ to: '1.1.0' });
    expect(r.status).toBe('clean');
    expect(p.read('config.txt')).toBe('two\n');
    for (const f of files) {
      expect(reads.whole).not.toContain(f);
      expect(reads.bytes.get(f) ?? 0).toBeLessThanOrEqual(8000);
    }
  });
});
