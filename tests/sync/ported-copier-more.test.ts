// More of copier's update scenarios (symlinks, subdirectories, dirty work trees, migrations, cleanup, copy), rebuilt
// on real git like tests/sync/ported-copier.test.ts; each test names the copier test it comes from.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/templates/render.ts';
import { scenario, statusOf, type ScenarioProject } from '../helpers/sync-project.ts';

const lines = (n: number, edits: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${edits[i + 1] ?? `line ${i + 1}`}\n`).join('');
const exists = (p: ScenarioProject, path: string) => existsSync(join(p.dir, path));

describe('copier tests/test_symlinks.py', () => {
  // copier recreates symlinks; detml refuses a template with a symlink in every mode, naming the file.
  it('test_update_file_to_symlink: a file that becomes a symlink in the new version is refused', async () => {
    const p = await scenario({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    p.release('2.0.0', { 'a.txt': 'a\n' });
    symlinkSync('a.txt', join(p.templateRoot, 'demo@2.0.0', 'files', 'b.txt'));
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(/b\.txt is a symbolic link/);
    expect(p.read('b.txt')).toBe('b\n');
  });

  it('test_pretend_symlink: a dry run refuses the same way', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.txt': 'a\n' });
    symlinkSync('a.txt', join(p.templateRoot, 'demo@2.0.0', 'files', 'link'));
    await expect(p.sync({ to: '2.0.0', mode: 'dry-run' })).rejects.toThrow(/link is a symbolic link/);
  });
});

describe('copier tests/test_subdirectory.py', () => {
  it('test_new_version_changes_subdirectory: the template moves its files to another folder; edits follow', async () => {
    const p = await scenario({ 'conf_project/conf_readme.md': lines(20, { 1: '# conf' }) });
    p.write('conf_project/conf_readme.md', lines(20, { 1: '# conf', 18: 'my note' }));
    p.commit();
    p.release('2.0.0', { 'api_project/conf_readme.md': lines(20, { 1: '# conf' }) });
    await p.sync({ to: '2.0.0' });
    expect(p.read('api_project/conf_readme.md')).toBe(lines(20, { 1: '# conf', 18: 'my note' }));
    expect(exists(p, 'conf_project/conf_readme.md')).toBe(false);
  });
});

describe('copier tests/test_dirty_local.py', () => {
  it('test_update: uncommitted changes to tracked files stop sync before anything changes', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.write('a.txt', 'dirty\n');
    p.release('2.0.0', { 'a.txt': 'b\n' });
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(/Uncommitted changes to tracked files \(a\.txt\)/);
    expect(p.read('a.txt')).toBe('dirty\n');
  });

  it('test_parallel_projects_in_subdirs: syncing one project leaves its sibling in the same repository alone', async () => {
    const p = await scenario({ 'a.txt': 'a\n' }, { at: 'one' });
    mkdirSync(join(p.dir, '..', 'two'), { recursive: true });
    writeFileSync(join(p.dir, '..', 'two', 'a.txt'), 'a\n');
    p.git('add', '-A', ':/');
    p.git('commit', '-qm', 'second project');
    p.release('2.0.0', { 'a.txt': 'b\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.read('a.txt')).toBe('b\n');
    expect(p.read('../two/a.txt')).toBe('a\n');
    expect(p.git('status', '--porcelain', ':/')).not.toMatch(/two\//);
  });
});

describe('copier tests/test_migrations.py', () => {
  it('test_basic_migration: renameAnswer carries the stored answer to its new name', async () => {
    const q = (name: string) => [
      { name, type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
    ];
    const p = await scenario({ 'n.hbs': '{{name}}\n' }, { name: 'proj' });
    p.release(
      '2.0.0',
      { 'n.hbs': '{{project}}\n' },
      {
        questions: q('project'),
        migrations: [{ version: '2.0.0', ops: [{ op: 'renameAnswer', from: 'name', to: 'project' }] }],
      },
    );
    const r = await p.sync({ to: '2.0.0' });
    expect(p.read('n')).toBe('proj\n');
    expect(r.notes).toContain('2.0.0: answer "name" is now "project"');
  });

  it('test_version_migration: only migrations after the recorded version and up to the target run', async () => {
    const moves = [
      { version: '1.0.0', ops: [{ op: 'moveFile', from: 'x.txt', to: 'never.txt' }] },
      { version: '2.0.0', ops: [{ op: 'moveFile', from: 'a.txt', to: 'b.txt' }] },
      { version: '9.0.0', ops: [{ op: 'moveFile', from: 'b.txt', to: 'later.txt' }] },
    ];
    const p = await scenario({ 'a.txt': lines(8), 'x.txt': 'x\n' });
    p.write('a.txt', lines(8, { 7: 'mine' }));
    p.commit();
    p.release('2.0.0', { 'b.txt': lines(8), 'x.txt': 'x\n' }, { migrations: moves });
    await p.sync({ to: '2.0.0' });
    expect(p.read('b.txt')).toBe(lines(8, { 7: 'mine' }));
    expect(p.read('x.txt')).toBe('x\n');
    expect(exists(p, 'later.txt')).toBe(false);
  });

  it('test_pretend_migration: a dry run with a moveFile migration moves nothing', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release(
      '2.0.0',
      { 'b.txt': 'a\n' },
      { migrations: [{ version: '2.0.0', ops: [{ op: 'moveFile', from: 'a.txt', to: 'b.txt' }] }] },
    );
    const before = p.snapshot();
    const r = await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(r.plan.length).toBeGreaterThan(0);
    expect(p.snapshot()).toBe(before);
    expect(exists(p, 'b.txt')).toBe(false);
  });

  it('test_skip_migration: a changeDefault migration leaves an answer the user chose', async () => {
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
      { name: 'threads', type: 'integer', message: 'Threads', default: 4 },
    ];
    const p = await scenario({ 'conf.hbs': 'threads={{threads}}\n' }, { manifest: { questions } });
    await p.sync({ to: '1.0.0', set: { threads: '6' } });
    p.commit('six threads');
    p.release(
      '2.0.0',
      { 'conf.hbs': 'threads={{threads}}\n' },
      {
        questions,
        migrations: [{ version: '2.0.0', ops: [{ op: 'changeDefault', answer: 'threads', from: 4, to: 8 }] }],
      },
    );
    await p.sync({ to: '2.0.0' });
    expect(p.read('conf')).toBe('threads=6\n');
  });

  it('test_migration_run_before: a changeDefault migration moves an answer still at the old default', async () => {
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
      { name: 'threads', type: 'integer', message: 'Threads', default: 4 },
    ];
    const p = await scenario({ 'conf.hbs': 'threads={{threads}}\n' }, { manifest: { questions } });
    p.release(
      '2.0.0',
      { 'conf.hbs': 'threads={{threads}}\n' },
      {
        questions,
        migrations: [{ version: '2.0.0', ops: [{ op: 'changeDefault', answer: 'threads', from: 4, to: 8 }] }],
      },
    );
    await p.sync({ to: '2.0.0' });
    expect(p.read('conf')).toBe('threads=8\n');
  });
});

describe('copier tests/test_cleanup.py', () => {
  it('test_cleanup: a failed sync leaves no scratch folder and no change', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.hbs': '{{missing}}\n' });
    const before = p.snapshot();
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow();
    expect(p.snapshot()).toBe(before);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`detml-sync-${process.pid}-`))).toEqual([]);
  });
});

describe('copier tests/test_updatediff.py (more)', () => {
  it('test_update_deleted_path_not_used_as_pattern: deleting "dont_wildmatch*" leaves "dont_wildmatch" updated', async () => {
    const p = await scenario({ 'dont_wildmatch*': 'foo\n', dont_wildmatch: 'bar\n' });
    p.remove('dont_wildmatch*');
    p.commit();
    p.release('2.0.0', { 'dont_wildmatch*': 'foo2\n', dont_wildmatch: 'baz\n' });
    await p.sync({ to: '2.0.0' });
    expect(exists(p, 'dont_wildmatch*')).toBe(false);
    expect(p.read('dont_wildmatch')).toBe('baz\n');
  });

  // copier commits through the user's hooks; detml's pull-request commit is plumbing, so a local pre-commit hook
  // neither blocks nor changes it (CI runs the checks on the pull request instead).
  it('test_commit_hooks_respected: the sync branch commit is made without running local hooks', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    mkdirSync(join(p.dir, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(p.dir, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    p.release('2.0.0', { 'a.txt': 'b\n' });
    const r = await p.sync({ to: '2.0.0', mode: 'branch' });
    expect(p.git('show', `${r.branch}:a.txt`)).toBe('b');
  });

  it('test_update_git_submodule: a project checked out as a submodule of another repository syncs', async () => {
    const p = await scenario({ 'a.txt': lines(4) });
    const parent = join(p.dir, '..', 'parent');
    mkdirSync(parent);
    const git = (cwd: string, ...a: string[]) =>
      execFileSync('git', ['-c', 'user.name=u', '-c', 'user.email=u@e', '-c', 'protocol.file.allow=always', ...a], {
        cwd,
        encoding: 'utf8',
      });
    git(parent, 'init', '-q');
    git(parent, 'submodule', '--quiet', 'add', p.dir, 'project');
    git(parent, 'commit', '-qm', 'add project');
    const inner = join(parent, 'project');
    p.release('2.0.0', { 'a.txt': lines(4, { 1: 'v2' }) });
    const { runSync } = await import('../../sync/run-sync.ts');
    await runSync({ cwd: inner, mode: 'local', to: '2.0.0', source: { templateRoot: p.templateRoot } });
    expect(git(inner, 'show', ':a.txt')).toBe(lines(4, { 1: 'v2' }));
  });

  it('test_conditional_computed_value: a file an answer switches off is removed when untouched', async () => {
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
      { name: 'gpu', type: 'boolean', message: 'GPU?', default: true },
    ];
    const p = await scenario({ "{{when gpu 'gpu.yml'}}": 'gpu: on\n' }, { manifest: { questions } });
    const r = await p.sync({ to: '1.0.0', set: { gpu: 'false' } });
    expect(exists(p, 'gpu.yml')).toBe(false);
    expect(statusOf(r, 'gpu.yml')).toBe('deleted');
  });

  it('test_conditional_computed_value (edited): a file an answer switches off is kept when the user edited it', async () => {
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
      { name: 'gpu', type: 'boolean', message: 'GPU?', default: true },
    ];
    const p = await scenario({ "{{when gpu 'gpu.yml'}}": 'gpu: on\n' }, { manifest: { questions } });
    p.write('gpu.yml', 'gpu: on\nmine: true\n');
    p.commit();
    const r = await p.sync({ to: '1.0.0', set: { gpu: 'false' } });
    expect(p.read('gpu.yml')).toBe('gpu: on\nmine: true\n');
    expect(statusOf(r, 'gpu.yml')).toBe('kept');
  });

  it('test_skip_if_exists_templated: a seeded glob matches a templated path', async () => {
    const p = await scenario(
      { 'src/{{name}}/seed.txt': 'seed\n' },
      { manifest: { ownership: { seeded: ['src/*/seed.txt'] } } },
    );
    p.write('src/proj/seed.txt', 'my seed\n');
    p.commit();
    p.release('2.0.0', { 'src/{{name}}/seed.txt': 'seed v2\n' }, { ownership: { seeded: ['src/*/seed.txt'] } });
    await p.sync({ to: '2.0.0' });
    expect(p.read('src/proj/seed.txt')).toBe('my seed\n');
  });
});

describe('copier tests/test_copy.py (update parts)', () => {
  // copier tests/test_symlinks.py::test_copy_symlink and ::test_symlinked_dir_expanded: detml refuses both at render.
  it('test_copy_symlink: a template with a symlinked file is refused at render', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    symlinkSync('a.txt', join(p.templateRoot, 'demo@1.0.0', 'files', 'link.txt'));
    expect(() => renderTemplate(join(p.templateRoot, 'demo@1.0.0'), { name: 'x' })).toThrow(
      /link\.txt is a symbolic link/,
    );
  });

  it('test_symlinked_dir_expanded: a symlinked folder in a template is refused too, never followed', async () => {
    const p = await scenario({ 'dir/a.txt': 'a\n' });
    symlinkSync('/etc', join(p.templateRoot, 'demo@1.0.0', 'files', 'outside'));
    expect(() => renderTemplate(join(p.templateRoot, 'demo@1.0.0'), { name: 'x' })).toThrow(
      /outside is a symbolic link/,
    );
  });

  it('test_update_subdirectory_from_root_path: sync outside the project folder says it is no detml project', async () => {
    const p = await scenario({ 'a.txt': 'a\n' }, { at: 'sub' });
    const { runSync } = await import('../../sync/run-sync.ts');
    await expect(
      runSync({ cwd: join(p.dir, '..'), mode: 'dry-run', source: { templateRoot: p.templateRoot } }),
    ).rejects.toThrow(/state\.json|detml project/i);
  });
});
