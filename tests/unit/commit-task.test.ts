import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as memFs } from 'mem-fs';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { isFilePending, setModifiedFileState } from 'mem-fs-editor/state';
import { createCommitTransform } from 'mem-fs-editor/transform';
import { describe, expect, it } from 'vitest';
import type { EnvironmentBase } from 'yeoman-environment';
import { commitFiles, commitRender } from '../../src/create/commit-task.ts';
import { StreamedContents } from '../../src/create/streamed-copy.ts';
import type { StreamedFile } from '../../src/templates/render.ts';
import { tempDir } from '../helpers/tmp.ts';

// What mem-fs-editor's writer reads of a mem-fs file: a path, contents, mode, and the "modified" state.
const pending = (path: string, text: string, mode = 0o644) => ({
  path,
  contents: Buffer.from(text),
  stat: { mode },
  state: 'modified',
});

describe('the commit of a list of files (commitFiles)', () => {
  it('writes every file, with its mode, and leaves none pending', async () => {
    const dir = tempDir();
    const files = Array.from({ length: 23 }, (_, i) =>
      pending(join(dir, `d${i % 4}`, 'deeper', `f${i}.txt`), `file ${i}\n`, i % 5 ? 0o644 : 0o755),
    );
    await commitFiles(files, 4);
    expect(files.filter((f) => isFilePending(f as never))).toEqual([]);
    for (const [i, f] of files.entries()) {
      expect(readFileSync(f.path, 'utf8')).toBe(`file ${i}\n`);
      expect(statSync(f.path).mode & 0o777).toBe(i % 5 ? 0o644 : 0o755);
    }
  });

  it("leaves each file as mem-fs-editor's own commit does: same bytes and modes, through the umask and over existing files", async () => {
    const ours = tempDir();
    const theirs = tempDir();
    const layout = (dir: string) => [
      pending(join(dir, 'run.sh'), '#!/bin/sh\n', 0o775), // group-writable: the umask (022) would narrow it
      pending(join(dir, 'old.txt'), 'replaced\n', 0o600), // exists with another mode and longer contents
      pending(join(dir, 'deep', 'er', 'new.json'), '{}\n', 0o644),
      { path: join(dir, 'gone.txt'), contents: null, state: 'deleted' },
    ];
    for (const dir of [ours, theirs]) {
      writeFileSync(join(dir, 'old.txt'), 'the previous, longer contents\n', { mode: 0o666 });
      writeFileSync(join(dir, 'gone.txt'), 'removed by the commit\n');
    }
    const previous = process.umask(0o022);
    try {
      await commitFiles(layout(ours), 4);
      await pipeline(
        Readable.from(layout(theirs)),
        createCommitTransform(),
        new Writable({ objectMode: true, write: (_f, _e, done) => done() }),
      );
    } finally {
      process.umask(previous);
    }
    const snapshot = (dir: string) =>
      ['run.sh', 'old.txt', 'deep/er/new.json', 'gone.txt'].map((p) =>
        existsSync(join(dir, p))
          ? [p, readFileSync(join(dir, p), 'utf8'), statSync(join(dir, p)).mode & 0o7777]
          : [p, 'absent'],
      );
    expect(snapshot(ours)).toEqual(snapshot(theirs));
    expect(snapshot(ours)).toEqual([
      ['run.sh', '#!/bin/sh\n', 0o775],
      ['old.txt', 'replaced\n', 0o600],
      ['deep/er/new.json', '{}\n', 0o644],
      ['gone.txt', 'absent'],
    ]);
  });

  it('a failed copy of a large binary fails the commit, once the copies under way have settled', async () => {
    const dir = tempDir();
    const source = join(dir, 'model.bin');
    writeFileSync(source, 'weights');
    const sha256 = createHash('sha256').update('weights').digest('hex');
    const large = (name: string, from: string) => ({
      ...pending(join(dir, 'out', name), ''),
      contents: null,
      streamed: new StreamedContents({ path: name, mode: 0o644, source: from, size: 7 } as StreamedFile, sha256),
    });
    const files = [large('a.bin', source), large('b.bin', join(dir, 'missing.bin')), large('c.bin', source)];
    await expect(commitFiles(files, 3)).rejects.toThrow(/missing\.bin/);
    expect(readFileSync(join(dir, 'out', 'a.bin'), 'utf8')).toBe('weights');
    expect(readFileSync(join(dir, 'out', 'c.bin'), 'utf8')).toBe('weights');
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
    await expect(commitFiles(files, 3)).rejects.toThrow(/blocker/);
  });
});

/** What commitRender uses of yeoman's environment: its mem-fs store, adapter (logging the conflicter's verdicts) and options. */
function environment(cwd: string, files: Record<string, string>, force = false) {
  const sharedFs = memFs<MemFsEditorFile>();
  for (const [path, text] of Object.entries(files)) {
    const file = sharedFs.get(join(cwd, path));
    Object.assign(file, { contents: Buffer.from(text), stat: { mode: 0o100644 } }); // st_mode, as the conflicter compares it
    setModifiedFileState(file);
    sharedFs.add(file);
  }
  const verdicts: string[] = [];
  const log = Object.assign(() => log, {});
  for (const level of ['create', 'force', 'identical', 'skip', 'conflict', 'info', 'writeln', 'write', 'ok', 'error'])
    Object.assign(log, { [level]: (path: string) => void verdicts.push(`${level} ${path ?? ''}`.trim()) });
  const adapter = {
    log,
    queue: (fn: (a: unknown) => unknown) => fn(adapter),
    prompt: () => Promise.reject(new Error('create never prompts inside yeoman')),
  };
  const env = { sharedFs, adapter, conflicterOptions: { force, cwd } } as unknown as EnvironmentBase;
  return { env, verdicts };
}

describe("the generator's commit (commitRender)", () => {
  it('into an empty folder writes every file without asking the conflicter', async () => {
    const dir = tempDir();
    const { env, verdicts } = environment(dir, { 'a.txt': 'a\n', 'deep/b.txt': 'b\n' });
    await commitRender(env, dir);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(dir, 'deep/b.txt'), 'utf8')).toBe('b\n');
    expect(verdicts).toEqual([]);
  });

  it("into a folder that holds files runs yeoman's conflicter: an identical file is left alone, a changed one overwritten under force", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'same.txt'), 'same\n');
    utimesSync(join(dir, 'same.txt'), 1_700_000_000, 1_700_000_000); // a rewrite would move the mtime
    const kept = environment(dir, { 'same.txt': 'same\n', 'new.txt': 'n\n' }, false);
    await commitRender(kept.env, dir);
    expect(statSync(join(dir, 'same.txt')).mtimeMs).toBe(1_700_000_000_000);
    expect(readFileSync(join(dir, 'new.txt'), 'utf8')).toBe('n\n');
    expect(kept.verdicts.map((v) => v.split(' ')[0]).sort()).toEqual(['create', 'identical']);
    // With force (create --force settles collisions this way), a changed file is overwritten.
    const forced = environment(dir, { 'same.txt': 'changed\n' }, true);
    await commitRender(forced.env, dir);
    expect(readFileSync(join(dir, 'same.txt'), 'utf8')).toBe('changed\n');
    expect(forced.verdicts.map((v) => v.split(' ')[0])).toEqual(['force']);
  });
});
