import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { concurrentCommit } from '../../src/create/commit-task.ts';
import { tempDir } from '../helpers/tmp.ts';

// What mem-fs-editor's writer reads of a mem-fs file: a path, contents, mode, and the "modified" state.
const pending = (path: string, text: string, mode = 0o644) => ({
  path,
  contents: Buffer.from(text),
  stat: { mode },
  state: 'modified',
});

async function commitAll(files: object[], width: number): Promise<object[]> {
  const out: object[] = [];
  const sink = new Writable({ objectMode: true, write: (file, _enc, done) => (out.push(file), done()) });
  await pipeline(Readable.from(files), concurrentCommit(width), sink);
  return out;
}

describe('concurrent commit (src/create/commit-task.ts)', () => {
  it('writes every file, with its mode, through more files than writes in flight, and passes each on once', async () => {
    const dir = tempDir();
    const files = Array.from({ length: 23 }, (_, i) =>
      pending(join(dir, `d${i % 4}`, 'deeper', `f${i}.txt`), `file ${i}\n`, i % 5 ? 0o644 : 0o755),
    );
    const out = await commitAll(files, 4);
    expect(new Set(out)).toEqual(new Set(files));
    expect(out).toHaveLength(files.length);
    for (const [i, f] of files.entries()) {
      expect(readFileSync(f.path, 'utf8')).toBe(`file ${i}\n`);
      expect(statSync(f.path).mode & 0o777).toBe(i % 5 ? 0o644 : 0o755);
    }
  });

  it('a failed write fails the commit (it never hangs or reports success)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blocker'), 'a file where a folder must go');
    mkdirSync(join(dir, 'ok'));
    const files = [
      ...Array.from({ length: 6 }, (_, i) => pending(join(dir, 'ok', `f${i}`), 'x')),
      pending(join(dir, 'blocker', 'inside.txt'), 'y'),
      ...Array.from({ length: 6 }, (_, i) => pending(join(dir, 'ok', `g${i}`), 'x')),
    ];
    await expect(commitAll(files, 3)).rejects.toThrow(/blocker/);
  });
});
