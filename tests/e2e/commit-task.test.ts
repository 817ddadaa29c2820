// The generator's commit writes the render into a fresh staging folder; nothing outside the project may change what it
// writes (src/create/commit-task.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { demoWorkspace } from '../helpers/fixture-template.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('create commit', () => {
  it("a .yo-resolve file in a parent folder does not make create skip files (yeoman's resolve files are not read)", async () => {
    const { root, cwd, args } = demoWorkspace();
    // yeoman's commit reads these from every folder above the file it writes (the staging folder is a dot folder
    // beside the target) and skips each file they match.
    writeFileSync(join(root, '.yo-resolve'), '*/.*/package.json skip\n');
    writeFileSync(join(cwd, '.yo-resolve'), '.*/README.md skip\n');
    const r = await runCli(['p', ...args, '--no-git'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = join(cwd, 'p');
    const state = readState(dir);
    const listed = Object.keys(state.files);
    expect(listed.length).toBeGreaterThan(5);
    for (const path of listed) expect(existsSync(join(dir, path)), path).toBe(true);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/^# p\n/);
  });
});
