// create's copy of a model-sized file (src/create/file-copy.ts): a clone where the filesystem has them, else pieces
// read and written into a new file; either way the bytes that arrive are exactly the source's.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFileContents } from '../../src/create/file-copy.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('copyFileContents', () => {
  it('copies every byte, through many pieces (more than one turn of the event loop) and a short last one', async () => {
    const dir = tempDir();
    const bytes = randomBytes(40_500);
    writeFileSync(join(dir, 'model.bin'), bytes);
    await copyFileContents(join(dir, 'model.bin'), join(dir, 'copy.bin'), 1000);
    expect(readFileSync(join(dir, 'copy.bin')).equals(bytes)).toBe(true);
  });

  it('replaces a longer file already at the destination (nothing of it is left at the end)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'model.bin'), 'new weights');
    writeFileSync(join(dir, 'copy.bin'), 'the previous, much longer contents of this file');
    await copyFileContents(join(dir, 'model.bin'), join(dir, 'copy.bin'), 4);
    expect(readFileSync(join(dir, 'copy.bin'), 'utf8')).toBe('new weights');
  });

  it('copies an empty file as an empty file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.bin'), '');
    await copyFileContents(join(dir, 'empty.bin'), join(dir, 'copy.bin'));
    expect(statSync(join(dir, 'copy.bin')).size).toBe(0);
  });

  it('a missing source fails with its own error code, and writes nothing', async () => {
    const dir = tempDir();
    await expect(copyFileContents(join(dir, 'absent.bin'), join(dir, 'copy.bin'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(() => statSync(join(dir, 'copy.bin'))).toThrow(/ENOENT/);
  });
});
