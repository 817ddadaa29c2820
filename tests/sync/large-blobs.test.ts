// Model-sized blobs: an unchanged one is never written again, a new one goes through `git hash-object -w`, and
// neither ever passes through `git fast-import` (which packs, unpacks and recompresses it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { writeBlobs } from '../../sync/git-objects.ts';
import { gitCommand, traceGitCalls, type TracedGitCall as Traced } from '../helpers/git-trace.ts';
import { createProject, scenario, statusOf } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

function gitHash(dir: string, data: Buffer): string {
  return execFileSync('git', ['hash-object', '--stdin'], { cwd: dir, input: data }).toString().trim();
}

describe('writing large blobs', () => {
  const { calls } = traceGitCalls();

  it('writes a new model once with hash-object, keeps small files in one fast-import, and reuses it next time', async () => {
    const dir = tempDir();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const model = Buffer.alloc(3 << 20, 7);
    model.write('weights', 0);
    const small = Buffer.from('config\n');
    // The same model in both renders (two buffers, equal bytes), a small file between them.
    const oids = await writeBlobs(dir, [model, small, Buffer.from(model)]);
    expect(oids).toEqual([gitHash(dir, model), gitHash(dir, small), gitHash(dir, model)]);
    for (const oid of oids)
      expect(execFileSync('git', ['cat-file', '-t', oid], { cwd: dir }).toString().trim()).toBe('blob');
    const first = calls();
    expect(first.filter((c) => gitCommand(c) === 'hash-object')).toHaveLength(1);
    const imports = first.filter((c) => gitCommand(c) === 'fast-import');
    expect(imports).toHaveLength(1);
    expect(Buffer.from(imports[0]!.input, 'base64').length).toBeLessThan(1000);

    // A later sync with the model unchanged writes nothing for it.
    const again = await writeBlobs(dir, [Buffer.from(model)]);
    expect(again).toEqual([oids[0]]);
    const second = calls().slice(first.length);
    expect(second.map(gitCommand)).toEqual(['cat-file']);
  });

  it('never loads a model the user replaced when every render at its path is binary', async () => {
    const p = await createProject();
    const theirs = Buffer.alloc(2 << 20, 0);
    theirs.write('user weights', 0);
    p.write('model.bin', theirs);
    p.commit();
    const oid = gitHash(p.dir, theirs);
    const r = await p.sync({ to: '1.1.0' });
    expect(statusOf(r, 'model.bin')).toBe('kept');
    expect(readFileSync(join(p.dir, 'model.bin')).equals(theirs)).toBe(true);
    // Every object read, by any cat-file: a line of `--batch`, a `contents` line of `--batch-command`.
    const reads = calls()
      .filter((c) => gitCommand(c) === 'cat-file' && /^--batch(-command)?$/.test(c.args.at(-1)!))
      .flatMap((c) => Buffer.from(c.input, 'base64').toString().split('\n'))
      .filter((l) => l && !l.startsWith('info '));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((l) => l.includes(oid))).toEqual([]);
  });

  describe('streamed from the template (a model in the template itself)', () => {
    const model = (seed: number) => {
      const b = Buffer.alloc(3 << 20);
      for (let i = 0; i < b.length; i++) b[i] = (i * 167 + seed + (i >> 10)) & 0xff;
      return b;
    };
    const [a, b] = [model(1), model(2)];
    // No git call is ever fed a model's bytes: git reads the template file itself, or already has the object.
    // A blob written with hash-object (sync's synthetic commits are written with it too, as `-t commit`).
    const writesBlob = (c: Traced) => c.args.includes('hash-object') && !c.args.includes('commit');
    const largestInput = (traced: Traced[]) => Math.max(...traced.map((c) => Buffer.from(c.input, 'base64').length));
    beforeEach(() => {
      vi.stubEnv('DETML_CACHE_DIR', tempDir('detml-cache-'));
      onTestFinished(() => void vi.unstubAllEnvs());
    });

    it('unchanged: reuses the object the project already has, and neither reads nor writes the model', async () => {
      const p = await scenario({ 'weights/model.bin': a, 'config.txt': 'one\n' });
      p.release('1.1.0', { 'weights/model.bin': a, 'config.txt': 'two\n' });
      const before = calls().length;
      const r = await p.sync({ to: '1.1.0' });
      expect(r.status).toBe('clean');
      const traced = calls().slice(before);
      expect(traced.filter(writesBlob)).toEqual([]);
      // The model's object is in HEAD's tree at its path: git is not even asked whether it exists.
      expect(traced.filter((c) => c.args.some((a) => a.startsWith('--batch-check')))).toEqual([]);
      expect(largestInput(traced)).toBeLessThan(1 << 16);
      expect(p.read('config.txt')).toBe('two\n');
      expect(readFileSync(join(p.dir, 'weights/model.bin')).equals(a)).toBe(true);
    });

    it('replaced by the template: git hashes the new template file itself, and the project gets its bytes', async () => {
      const p = await scenario({ 'weights/model.bin': a });
      p.release('1.1.0', { 'weights/model.bin': b });
      const before = calls().length;
      const r = await p.sync({ to: '1.1.0' });
      expect(statusOf(r, 'weights/model.bin')).toBe('applied');
      const traced = calls().slice(before);
      const hashed = traced.filter(writesBlob);
      expect(hashed).toHaveLength(1);
      expect(hashed[0]!.args.slice(-2)).toEqual([
        '--',
        join(p.templateRoot, 'demo@1.1.0', 'files', 'weights/model.bin'),
      ]);
      expect(hashed[0]!.args).toContain('--no-filters');
      expect(largestInput(traced)).toBeLessThan(1 << 16);
      expect(readFileSync(join(p.dir, 'weights/model.bin')).equals(b)).toBe(true);
      expect(p.git('cat-file', '-t', gitHash(p.dir, b))).toBe('blob');
    });
  });
});
