// Every template this package ships generates a project that `create-detml verify` passes with no findings.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableTemplates } from '../../src/templates/registry.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('generated projects pass verify', () => {
  it('has templates to check', () => {
    expect(availableTemplates()).toContain('onnx');
  });

  it.each(availableTemplates())(
    '%s: created with the built CLI, verify reports nothing (text, JSON, SARIF)',
    async (id) => {
      const cwd = tempDir();
      const created = await runCli([`app_${id}`, '--template', id, '--yes', '--no-install', '--no-git'], {
        cwd,
        env: { CI: '1' },
      });
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const dir = join(cwd, `app_${id}`);
      const text = await runCli(['verify'], { cwd: dir });
      expect(text.stdout).toMatch(/^verify: no findings \(\d+ rules checked\)\.\n$/);
      expect(text.code).toBe(0);
      const json = await runCli(['verify', dir, '--json'], { cwd });
      expect(JSON.parse(json.stdout)).toMatchObject({ findings: [], suppressed: [] });
      const sarif = await runCli(['verify', dir, '--format', 'sarif'], { cwd });
      expect(JSON.parse(sarif.stdout).runs[0].results).toEqual([]);
    },
  );

  it('in a git work tree (files from git ls-files), a committed merge marker is found', async () => {
    const cwd = tempDir();
    expect((await runCli(['app', '--template', 'onnx', '--yes', '--no-install'], { cwd, env: { CI: '1' } })).code).toBe(
      0,
    );
    const dir = join(cwd, 'app');
    expect((await runCli(['verify'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'notes.md'), '<<<<<<< HEAD\na\n=======\nb\n>>>>>>> theirs\n');
    writeFileSync(join(dir, 'ignored.log'), '<<<<<<< HEAD\n');
    appendFileSync(join(dir, '.gitignore'), '*.log\n');
    const r = await runCli(['verify', '--rule', 'DETML031'], { cwd: dir });
    expect(r.stdout).toMatch(/^notes\.md:1:1 .*\nnotes\.md:5:1 /);
    expect(r.stdout).not.toContain('ignored.log');
  });
});
