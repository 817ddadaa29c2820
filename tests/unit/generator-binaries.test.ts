// create writes model-sized binaries through yeoman's mem-fs without ever decoding them.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { create as memFs } from 'mem-fs';
import { create as memFsEditor, type MemFsEditorFile } from 'mem-fs-editor';
import { DetmlGenerator } from '../../src/create/generator.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A buffer that fails the test the moment anything decodes it to a string. */
function undecodable(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b.toString = () => {
    throw new Error('a binary was decoded');
  };
  return b;
}

describe('the generator writes binaries as bytes', () => {
  it('never decodes a file it writes, and keeps its bytes and mode', async () => {
    const dir = tempDir();
    const model = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0xc3, 0x28]);
    // The generator's own writing step on yeoman's real mem-fs and editor, then the editor's commit to disk (the
    // environment around them needs the bundle's generator lookup, tested end to end in tests/e2e).
    const fs = memFsEditor(memFs<MemFsEditorFile>());
    const generator = Object.assign(Object.create(DetmlGenerator.prototype) as DetmlGenerator, {
      fs,
      destinationPath: (path: string) => join(dir, path),
      options: {
        files: [
          { path: 'weights/model.onnx', contents: undecodable(model), mode: 0o644 },
          { path: 'run.sh', contents: undecodable(Buffer.from('#!/bin/sh\n')), mode: 0o755 },
        ],
        stateFile: { path: '.detml/state.json', contents: '{}\n' },
      },
    });
    generator.writing();
    await fs.commit();
    expect(readFileSync(join(dir, 'weights/model.onnx')).equals(model)).toBe(true);
    expect(statSync(join(dir, 'run.sh')).mode & 0o777).toBe(0o755 & ~process.umask());
    expect(readFileSync(join(dir, '.detml/state.json'), 'utf8')).toBe('{}\n');
  });
});
