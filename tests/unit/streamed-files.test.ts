// A large binary in a template is rendered as a reference to its file, written by streaming and checked against the
// digest the state file records; text and small binaries stay in memory as before.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { create as memFs } from 'mem-fs';
import { create as memFsEditor, type MemFsEditorFile } from 'mem-fs-editor';
import { isFilePending } from 'mem-fs-editor/state';
import { commitFiles } from '../../src/create/commit-task.ts';
import { DetmlGenerator } from '../../src/create/generator.ts';
import { sameBytesAs } from '../../src/create/streamed-copy.ts';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { loadManifest } from '../../src/templates/manifest.ts';
import {
  renderedBytes,
  renderedSha256,
  renderTemplate,
  STREAMED_FROM,
  treeHash,
  type RenderedTree,
  type StreamedFile,
} from '../../src/templates/render.ts';
import { writeDemoTemplate, writeTree } from '../helpers/fixture-template.ts';
import { tempDir } from '../helpers/tmp.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function weights(size: number, seed = 0): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 197 + seed) & 0xff;
  return b;
}

function renderWith(files: Record<string, Buffer | string>): RenderedTree {
  const dir = writeDemoTemplate(tempDir(), '1.0.0');
  writeTree(join(dir, 'files'), files);
  const manifest = loadManifest(dir);
  return renderTemplate(dir, resolveAnswers(manifest, {}), manifest);
}

async function generate(tree: RenderedTree, digests: Record<string, string>): Promise<string> {
  const dir = tempDir();
  const fs = memFsEditor(memFs<MemFsEditorFile>());
  const generator = Object.assign(Object.create(DetmlGenerator.prototype) as DetmlGenerator, {
    fs,
    destinationPath: (path: string) => join(dir, path),
    options: { files: tree, stateFile: { path: '.detml/state.json', contents: '{}\n' }, sha256: digests },
  });
  generator.writing();
  // create's own commit task's writer (src/create/commit-task.ts), over the same store.
  await commitFiles(fs.store.all().filter(isFilePending), 4);
  return dir;
}

describe('large binaries in a render', () => {
  beforeEach(() => {
    vi.stubEnv('DETML_CACHE_DIR', tempDir('detml-cache-'));
    onTestFinished(() => void vi.unstubAllEnvs());
  });
  const model = weights(STREAMED_FROM + 4096);
  const text = Buffer.from('x'.repeat(STREAMED_FROM + 10) + '\n');

  it('are streamed from their template file; text of the same size and small binaries stay in memory', () => {
    const tree = renderWith({ 'weights/model.onnx': model, 'vocab.txt': text, 'small.bin': weights(1000) });
    const file = (p: string) => tree.find((f) => f.path === p)!;
    expect('source' in file('weights/model.onnx')).toBe(true);
    expect((file('weights/model.onnx') as StreamedFile).size).toBe(model.length);
    expect('contents' in file('vocab.txt')).toBe(true);
    expect('contents' in file('small.bin')).toBe(true);
    expect(renderedBytes(file('weights/model.onnx')).equals(model)).toBe(true);
    expect(renderedSha256(file('weights/model.onnx'))).toBe(sha256(model));
  });

  it('hash into the tree hash exactly as the same bytes in memory would', () => {
    const tree = renderWith({ 'weights/model.onnx': model });
    const inMemory = tree.map((f) => ({ path: f.path, mode: f.mode, contents: renderedBytes(f) }));
    expect(treeHash(tree)).toBe(treeHash(inMemory));
  });

  it("are copied by create's commit byte for byte, with their mode", async () => {
    const tree = renderWith({ 'weights/model.onnx': model });
    const dir = await generate(tree, { 'weights/model.onnx': sha256(model) });
    expect(readFileSync(join(dir, 'weights/model.onnx')).equals(model)).toBe(true);
    expect(statSync(join(dir, 'weights/model.onnx')).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it('fail the write when the bytes do not hash to what the state file records', async () => {
    const tree = renderWith({ 'weights/model.onnx': model });
    await expect(generate(tree, { 'weights/model.onnx': sha256(weights(10)) })).rejects.toThrow(
      /model\.onnx changed while it was being copied/,
    );
  });

  it('are compared with an existing file by streaming: equal bytes only', () => {
    const tree = renderWith({ 'weights/model.onnx': model });
    const streamed = tree.find((f) => f.path === 'weights/model.onnx') as StreamedFile;
    const dir = tempDir();
    const other = Buffer.from(model);
    other[other.length - 1]! ^= 1;
    writeTree(dir, { same: model, other, shorter: model.subarray(1) });
    expect(sameBytesAs(join(dir, 'same'), streamed)).toBe(true);
    expect(sameBytesAs(join(dir, 'other'), streamed)).toBe(false);
    expect(sameBytesAs(join(dir, 'shorter'), streamed)).toBe(false);
  });
});
