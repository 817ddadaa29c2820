// Blobs a sync writes: only those the repository lacks (asked of the run's one `cat-file --batch-command`, so the
// question starts no process of its own), and small ones in a pack fast-import keeps (no second process to unpack it).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeOf, writeBlobs } from '../../sync/git-objects.ts';
import { closeTreeReader, shareTreeReader } from '../../sync/tree-reader.ts';
import { gitCommand, traceGitCalls } from '../helpers/git-trace.ts';
import { tempDir } from '../helpers/tmp.ts';

const git = (dir: string, args: string[], input?: Buffer) =>
  execFileSync('git', args, { cwd: dir, input }).toString().trim();

describe('writeBlobs', () => {
  const { calls } = traceGitCalls();

  for (const format of ['sha1', 'sha256']) {
    it(`writes only the blobs a ${format} repository lacks, asking the shared reader which those are`, async () => {
      const dir = tempDir();
      git(dir, ['init', '-q', `--object-format=${format}`]);
      const [have, lack] = [Buffer.from('already here\n'), Buffer.from('new in this render\n')];
      const haveId = git(dir, ['hash-object', '-w', '--stdin'], have);
      const store = storeOf(dir);
      shareTreeReader(store);
      let oids: string[];
      try {
        oids = await writeBlobs(store, [have, lack, Buffer.from(lack)]);
      } finally {
        await closeTreeReader(store);
      }
      const lackId = git(dir, ['hash-object', '--stdin'], lack);
      expect(oids).toEqual([haveId, lackId, lackId]);
      expect(git(dir, ['cat-file', '-p', lackId])).toBe('new in this render');
      const traced = calls();
      // One question to the reader (no --batch-check process), then one fast-import.
      expect(traced.map(gitCommand)).toEqual(['fast-import', 'cat-file']); // the reader's trace is written when it ends
      expect(traced[1]!.args.at(-1)).toBe('--batch-command');
      expect(Buffer.from(traced[1]!.input, 'base64').toString()).toMatch(/^(info [0-9a-f]{40}\n){2}$/);
      const imported = Buffer.from(traced[0]!.input, 'base64').toString('latin1');
      // SHA-1 guesses name nothing in a SHA-256 repository: there both are written, and git's ids are the ones used.
      expect(imported.includes('already here')).toBe(format === 'sha256');
      expect(imported.split('new in this render').length - 1).toBe(2);
    });
  }

  it('writes nothing when the repository has every blob', async () => {
    const dir = tempDir();
    git(dir, ['init', '-q']);
    const blob = Buffer.from('same as last time\n');
    const id = git(dir, ['hash-object', '-w', '--stdin'], blob);
    const store = storeOf(dir);
    shareTreeReader(store);
    try {
      expect(await writeBlobs(store, [blob])).toEqual([id]);
    } finally {
      await closeTreeReader(store);
    }
    expect(calls().map(gitCommand)).toEqual(['cat-file']);
  });

  it('keeps the pack fast-import writes (no unpack-objects)', async () => {
    const dir = tempDir();
    git(dir, ['init', '-q']);
    await writeBlobs(dir, [Buffer.from('one\n'), Buffer.from('two\n')]);
    expect(readdirSync(join(dir, '.git', 'objects', 'pack')).filter((f) => f.endsWith('.pack'))).toHaveLength(1);
    expect(git(dir, ['count-objects'])).toMatch(/^0 objects/);
  });
});
