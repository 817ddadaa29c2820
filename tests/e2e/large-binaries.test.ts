// create with a model-sized binary in the template, through the built CLI: the file arrives byte for byte, the state
// file records its digest, and --force settles a collision with it by comparing bytes (identical kept, other backed up).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { STREAMED_FROM } from '../../src/templates/render.ts';
import { demoWorkspace, writeTree } from '../helpers/fixture-template.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const MODEL = Buffer.alloc(3 * STREAMED_FROM);
for (let i = 0; i < MODEL.length; i++) MODEL[i] = (i * 151 + (i >> 12)) & 0xff;

function workspace() {
  const w = demoWorkspace();
  writeTree(join(w.templates, 'demo@1.0.0', 'files'), { 'weights/model.onnx': MODEL });
  return { ...w, env: { DETML_CACHE_DIR: tempDir('detml-cache-') } };
}

describe('create with a large binary in the template', () => {
  it('writes it byte for byte and records its sha256', async () => {
    const { cwd, args, env } = workspace();
    const r = await runCli(['app', ...args], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'app', 'weights/model.onnx')).equals(MODEL)).toBe(true);
    expect(readState(join(cwd, 'app')).files['weights/model.onnx']!.sha256).toBe(
      createHash('sha256').update(MODEL).digest('hex'),
    );
  });

  it('--force keeps an identical copy without writing it, and backs up a different one before overwriting it', async () => {
    const { cwd, args, env } = workspace();
    for (const [name, bytes] of [
      ['same', MODEL],
      ['other', Buffer.concat([MODEL.subarray(0, MODEL.length - 1), Buffer.from([MODEL.at(-1)! ^ 1])])],
    ] as const) {
      mkdirSync(join(cwd, name, 'weights'), { recursive: true });
      writeFileSync(join(cwd, name, 'weights/model.onnx'), bytes);
      writeFileSync(join(cwd, name, 'notes.txt'), 'mine\n');
    }
    const inode = statSync(join(cwd, 'same', 'weights/model.onnx')).ino;
    const same = await runCli(['same', ...args, '--force'], { cwd, env });
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('identical weights/model.onnx');
    expect(statSync(join(cwd, 'same', 'weights/model.onnx')).ino).toBe(inode);

    const other = await runCli(['other', ...args, '--force'], { cwd, env });
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('overwrite weights/model.onnx');
    expect(readFileSync(join(cwd, 'other', 'weights/model.onnx')).equals(MODEL)).toBe(true);
    const backupRoot = join(cwd, 'other', '.detml', 'backup');
    const [stamp] = readdirSync(backupRoot).filter((n) => n !== '.gitignore');
    const backedUp = readFileSync(join(backupRoot, stamp!, 'weights/model.onnx'));
    expect(backedUp.length).toBe(MODEL.length);
    expect(backedUp.equals(MODEL)).toBe(false);
  });
});
