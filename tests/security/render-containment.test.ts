// Rendering stays inside the project: no path segment may climb out, go absolute, reach .git, or pass a symlink.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTree } from '../helpers/fixture-template.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

// A template whose `dir` answer (free text, as a template root may declare it) names a folder in the output.
function templateRoot(file = '{{dir}}/planted.txt'): string {
  const root = tempDir('detml-contain-');
  writeTree(join(root, 'demo@1.0.0'), {
    'template.json': JSON.stringify({
      id: 'demo',
      version: '1.0.0',
      description: 'containment',
      questions: [
        { name: 'name', type: 'string', message: 'Project name', default: 'demo-app', validate: 'npm-package-name' },
        { name: 'dir', type: 'string', message: 'Folder', default: 'src' },
      ],
      ownership: {},
      executable: [],
      lockfiles: {},
    }),
    [`files/${file}`]: 'planted\n',
    'files/README.md': 'readme\n',
  });
  return root;
}

const create = (cwd: string, root: string, ...args: string[]) =>
  runCli(['app', '--template', 'demo', '--template-root', root, '--yes', '--no-install', '--no-git', ...args], {
    cwd,
    env: { DETML_TEMPLATE_ROOT: undefined },
  });

describe('create writes only inside the project', () => {
  it.each([
    ['..', 'has an empty, "." or ".." segment'],
    ['../../outside', 'has an empty, "." or ".." segment'],
    ['/tmp/detml-abs', 'is absolute'],
    ['a\\..\\..', 'contains a backslash or NUL'],
    ['.git/hooks', "is inside the project's .git folder"],
  ])('refuses a path segment rendering to %j, naming the template file, and writes nothing', async (dir, reason) => {
    const cwd = tempDir();
    const r = await create(cwd, templateRoot(), '--set', `dir=${dir}`);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Template demo@1.0.0: "{{dir}}/planted.txt" renders to');
    expect(r.stderr).toContain(`which ${reason}; refusing to write it.`);
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync('/tmp/detml-abs')).toBe(false);
  });

  it('refuses to write through a symbolic link in the target (--force), before writing anything', async () => {
    const cwd = tempDir();
    const outside = tempDir('detml-outside-');
    mkdirSync(join(cwd, 'app'));
    writeFileSync(join(cwd, 'app', 'mine.txt'), 'my file\n');
    symlinkSync(outside, join(cwd, 'app', 'src'));
    const r = await create(cwd, templateRoot(), '--force');
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toContain(`Refusing to write src/planted.txt: src in ${join(cwd, 'app')} is a symbolic link`);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(join(cwd, 'app')).sort()).toEqual(['mine.txt', 'src']);
    expect(readdirSync(cwd)).toEqual(['app']);
  });

  it('still writes a templated folder that stays inside', async () => {
    const cwd = tempDir();
    const r = await create(cwd, templateRoot(), '--set', 'dir=lib');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'app', 'lib', 'planted.txt'))).toBe(true);
  });
});
