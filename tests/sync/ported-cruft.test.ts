// Update, diff and check scenarios rebuilt from cruft's test suite (cruft/cruft, tests/test_cli.py and
// tests/test_api.py) on real git. detml's `sync --dry-run` plays cruft's `diff`, `sync --check` its `check`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCheck } from '../../sync/pr-report.ts';
import { scenario, statusOf } from '../helpers/sync-project.ts';

const lines = (n: number, edits: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${edits[i + 1] ?? `line ${i + 1}`}\n`).join('');

describe('cruft tests/test_cli.py', () => {
  it('test_update_noop: a project on the newest version is up to date and unchanged', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    const before = p.snapshot();
    const r = await p.sync();
    expect(r.status).toBe('up-to-date');
    expect(p.snapshot()).toBe(before);
  });

  it('test_update_unclean: uncommitted changes stop the update with one line', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    p.write('README.md', 'uncommitted\n');
    p.release('2.0.0', { 'README.md': 'readme 2\n' });
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(
      /^Uncommitted changes to tracked files \(README\.md\)\. Commit or stash them/,
    );
  });

  // cruft refuses untracked files unless --allow-untracked-files; detml always allows them, since it never touches them.
  it('test_update_allow_untracked_files: untracked files neither block nor change', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    p.write('new_file.txt', '');
    p.release('2.0.0', { 'README.md': 'readme 2\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.status).toBe('clean');
    expect(p.git('status', '--porcelain')).toMatch(/^\?\? new_file\.txt$/m);
  });

  it('test_update: the new version is applied and recorded', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    p.release('2.0.0', { 'README.md': 'updated\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(p.read('README.md')).toBe('updated\n');
    expect(statusOf(r, 'README.md')).toBe('applied');
    expect(JSON.parse(p.read('.detml/state.json')).template.version).toBe('2.0.0');
  });

  // cruft falls back to *.rej files; detml always writes labelled markers and unmerged index stages, never .rej.
  it('test_update_with_conflicts_with_git: conflicts are markers plus unmerged stages, never .rej files', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    p.write('README.md', 'conflicts\n');
    p.commit();
    p.release('2.0.0', { 'README.md': 'updated\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.status).toBe('conflicts');
    expect(p.read('README.md')).toBe(
      '<<<<<<< your HEAD\nconflicts\n||||||| demo@1.0.0\nreadme\n=======\nupdated\n>>>>>>> demo@2.0.0\n',
    );
    expect(p.git('status', '--porcelain', '--untracked-files=all')).not.toMatch(/\.rej/);
  });

  it('test_update_with_conflicts: the result reports the conflicted path', async () => {
    const p = await scenario({ 'README.md': 'readme\n', 'b.txt': 'b\n' });
    p.write('README.md', 'conflicts\n');
    p.commit();
    p.release('2.0.0', { 'README.md': 'updated\n', 'b.txt': 'b2\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.plan.filter((e) => e.status === 'conflicted').map((e) => e.path)).toEqual(['README.md']);
    expect(p.read('b.txt')).toBe('b2\n');
  });

  it('test_update_when_new_file: a file the template adds appears', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    p.release('2.0.0', { 'README.md': 'readme\n', 'new-file': 'new\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(p.read('new-file')).toBe('new\n');
    expect(statusOf(r, 'new-file')).toBe('applied');
  });

  it('test_update_when_file_moved: a file the template renames moves, with the user’s edits', async () => {
    const p = await scenario({ 'README.md': lines(20) });
    p.write('README.md', lines(20, { 19: 'mine' }));
    p.commit();
    p.release('2.0.0', { 'NEW-README.md': lines(20) });
    const r = await p.sync({ to: '2.0.0' });
    expect(p.read('NEW-README.md')).toBe(lines(20, { 19: 'mine' }));
    expect(existsSync(join(p.dir, 'README.md'))).toBe(false);
    expect(r.plan.find((e) => e.path === 'README.md')?.reason).toMatch(
      /moved to NEW-README\.md by the template; your edits moved with it/,
    );
  });

  it('test_update_with_input_changes: --set re-renders with the new answer', async () => {
    const p = await scenario({ 'README.md.hbs': '# {{name}}\n' }, { name: 'proj' });
    await p.sync({ to: '1.0.0', set: { name: 'changed' } });
    expect(p.read('README.md')).toBe('# changed\n');
  });

  it('test_update_new_inputs_added_to_template: a new input gets its default', async () => {
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
      { name: 'license', type: 'string', message: 'License', default: 'MIT' },
    ];
    const p = await scenario({ 'README.md': 'readme\n' });
    p.release('2.0.0', { 'README.md': 'readme\n', 'LICENSE.hbs': '{{license}}\n' }, { questions });
    await p.sync({ to: '2.0.0' });
    expect(p.read('LICENSE')).toBe('MIT\n');
    expect(JSON.parse(p.read('.detml/state.json')).answers).toEqual({ name: 'proj', license: 'MIT' });
  });

  it('test_update_changed_variables: a changed variable and the user’s edit merge in the same file', async () => {
    const p = await scenario({ 'README.md.hbs': lines(10, { 1: '# {{name}}' }) }, { name: 'proj' });
    p.write('README.md', lines(10, { 1: '# proj', 9: 'mine' }));
    p.commit();
    await p.sync({ to: '1.0.0', set: { name: 'renamed' } });
    expect(p.read('README.md')).toBe(lines(10, { 1: '# renamed', 9: 'mine' }));
  });

  it('test_update_changed_variables_wrong_file: an answer for an unknown question is refused', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    await expect(p.sync({ to: '1.0.0', set: { nosuch: 'x' } })).rejects.toThrow(/nosuch/);
  });

  it('test_check / test_check_stale: --check says whether an update is available', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    const fresh = await p.sync({ mode: 'dry-run' });
    expect(fresh.status).toBe('up-to-date');
    p.release('2.0.0', { 'README.md': 'readme 2\n' });
    const stale = await p.sync({ mode: 'dry-run' });
    expect(stale.status).not.toBe('up-to-date');
    expect(formatCheck(stale, false)).toMatch(/2\.0\.0/);
  });

  it('test_diff_has_diff: a dry run lists the changes it would make and changes nothing', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    p.release('2.0.0', { 'README.md': 'changed content\n' });
    const before = p.snapshot();
    const r = await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(statusOf(r, 'README.md')).toBe('applied');
    expect(p.snapshot()).toBe(before);
  });

  it('test_diff_no_diff: a version with identical output has an empty plan', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    p.release('2.0.0', { 'README.md': 'readme\n' });
    const r = await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(r.plan).toEqual([]);
  });

  it('test_submodule_update_has_submodule_diff: a submodule inside the project is kept through an update', async () => {
    const p = await scenario({ 'README.md': 'readme\n' });
    const sub = join(p.dir, '..', 'sub');
    mkdirSync(sub);
    execFileSync('git', ['init', '-q'], { cwd: sub });
    execFileSync('git', ['-c', 'user.name=u', '-c', 'user.email=u@e', 'commit', '-q', '--allow-empty', '-m', 's'], {
      cwd: sub,
    });
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: sub, encoding: 'utf8' }).trim();
    p.git('update-index', '--add', '--cacheinfo', `160000,${head},submodule`);
    mkdirSync(join(p.dir, 'submodule'));
    p.git('commit', '-qm', 'submodule');
    p.release('2.0.0', { 'README.md': 'readme 2\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.git('ls-files', '-s', 'submodule')).toBe(`160000 ${head} 0\tsubmodule`);
    expect(p.read('README.md')).toBe('readme 2\n');
  });
  it('test_update_interactive_view_no_changes_when_deleted: a file the user deleted and the template kept stays deleted, silently', async () => {
    const p = await scenario({ 'README.md': 'readme\n', 'b.txt': 'b\n' });
    p.remove('b.txt');
    p.commit();
    p.release('2.0.0', { 'README.md': 'readme 2\n', 'b.txt': 'b\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(existsSync(join(p.dir, 'b.txt'))).toBe(false);
    expect(statusOf(r, 'b.txt')).toBeUndefined();
  });

  it('test_update_refresh_private_variables_from_template: values the template computes follow the new version', async () => {
    const p = await scenario({ 'VERSION.hbs': '{{template.id}}@{{template.version}}\n' });
    p.release('2.0.0', { 'VERSION.hbs': '{{template.id}}@{{template.version}}\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.read('VERSION')).toBe('demo@2.0.0\n');
  });

  it('test_diff_checkout: a dry run against an older target than the newest plans that version only', async () => {
    const p = await scenario({ 'README.md': 'v1\n' });
    p.release('2.0.0', { 'README.md': 'v1\n', 'two.txt': '2\n' });
    p.release('3.0.0', { 'README.md': 'v1\n', 'two.txt': '2\n', 'three.txt': '3\n' });
    const r = await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(r.plan.map((e) => e.path)).toEqual(['two.txt']);
  });

  it('test_update_same_commit_but_ask_for_input: the same version with the same answer is up to date', async () => {
    const p = await scenario({ 'README.md.hbs': '# {{name}}\n' }, { name: 'proj' });
    expect((await p.sync({ to: '1.0.0', set: { name: 'proj' } })).status).toBe('up-to-date');
  });
});

describe('cruft tests/test_api.py', () => {
  it('test_update_allows_untracked_files_option: an untracked file next to a changed file is untouched', async () => {
    const p = await scenario({ 'a/README.md': 'readme\n' });
    p.write('a/untracked.txt', 'scratch\n');
    p.release('2.0.0', { 'a/README.md': 'readme 2\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.read('a/untracked.txt')).toBe('scratch\n');
  });

  it('test_directory_and_checkout: --to picks an older target than the newest', async () => {
    const p = await scenario({ 'README.md': 'v1\n' });
    p.release('2.0.0', { 'README.md': 'v2\n' });
    p.release('3.0.0', { 'README.md': 'v3\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.read('README.md')).toBe('v2\n');
  });

  it('test_update_and_check_real_repo: after an update is committed, check says up to date', async () => {
    const p = await scenario({ 'README.md': 'v1\n' });
    p.release('2.0.0', { 'README.md': 'v2\n' });
    await p.sync();
    p.commit('update');
    expect((await p.sync({ mode: 'dry-run' })).status).toBe('up-to-date');
  });

  it('test_diff_git_subdir: a dry run in a monorepo subfolder reports project-relative paths', async () => {
    const p = await scenario({ 'README.md': 'v1\n' }, { at: 'svc' });
    p.release('2.0.0', { 'README.md': 'v2\n' });
    const r = await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(r.plan.map((e) => e.path)).toEqual(['README.md']);
  });

  it('test_update_examples: the pull-request mode commits on the sync branch and leaves the checkout', async () => {
    const p = await scenario({ 'README.md': 'v1\n' });
    p.release('2.0.0', { 'README.md': 'v2\n' });
    const before = p.snapshot();
    const r = await p.sync({ to: '2.0.0', mode: 'branch' });
    expect(p.git('show', `${r.branch}:README.md`)).toBe('v2');
    expect(p.snapshot()).toBe(before);
  });
  it('test_create_with_skips: a seeded file a new version adds is written once, then left alone', async () => {
    const manifest = { ownership: { seeded: ['goldens/**'] } };
    const p = await scenario({ 'README.md': 'r\n' }, { manifest });
    p.release('2.0.0', { 'README.md': 'r\n', 'goldens/out.json': '[1]\n' }, manifest);
    p.release('3.0.0', { 'README.md': 'r\n', 'goldens/out.json': '[2]\n' }, manifest);
    expect(statusOf(await p.sync({ to: '2.0.0' }), 'goldens/out.json')).toBe('applied');
    p.commit('v2');
    await p.sync({ to: '3.0.0' });
    expect(p.read('goldens/out.json')).toBe('[1]\n');
  });
});
