// Update scenarios rebuilt from copier's own test suite (copier-org/copier, tests/), each on real git: a template
// root where only v1 exists at create time, user edits committed, v2 released, then sync. Each test names the
// copier test it comes from; where detml means something else on purpose, the test says why.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenario, statusOf, type ScenarioProject } from '../helpers/sync-project.ts';

const lines = (n: number, edits: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${edits[i + 1] ?? `line ${i + 1}`}\n`).join('');
const exists = (p: ScenarioProject, path: string) => existsSync(join(p.dir, path));
const unmerged = (p: ScenarioProject) =>
  p
    .git('status', '--porcelain=v1')
    .split('\n')
    .filter((l) => /^(UU|AA|DU|UD) /.test(l))
    .map((l) => l.slice(3));
const state = (p: ScenarioProject) =>
  JSON.parse(p.read('.detml/state.json')) as { template: { version: string }; answers: Record<string, unknown> };

describe('copier tests/test_updatediff.py', () => {
  it('test_updatediff: the template change and the user’s edit both land, and the state records the new version', async () => {
    const p = await scenario({ 'README.md.hbs': lines(12, { 1: '# {{name}}' }) });
    p.write('README.md', lines(12, { 1: '# proj', 11: 'my notes' }));
    p.commit();
    p.release('2.0.0', { 'README.md.hbs': lines(12, { 1: '# {{name}}', 3: 'new section' }) });
    const r = await p.sync({ to: '2.0.0' });
    expect(p.read('README.md')).toBe(lines(12, { 1: '# proj', 3: 'new section', 11: 'my notes' }));
    expect(statusOf(r, 'README.md')).toBe('merged');
    expect(state(p).template.version).toBe('2.0.0');
  });

  it('test_update_from_tagged_to_head: --to jumps over intermediate versions in one merge', async () => {
    const p = await scenario({ 'a.txt': lines(10) });
    p.release('2.0.0', { 'a.txt': lines(10, { 2: 'v2' }) });
    p.release('3.0.0', { 'a.txt': lines(10, { 2: 'v2', 8: 'v3' }) });
    const r = await p.sync({ to: '3.0.0' });
    expect(r.from).toBe('1.0.0');
    expect(p.read('a.txt')).toBe(lines(10, { 2: 'v2', 8: 'v3' }));
  });

  it('test_skip_update: a seeded file the user changed is never updated', async () => {
    const p = await scenario(
      { 'skip_me.txt': 'v1\n', 'b.txt': 'b\n' },
      { manifest: { ownership: { seeded: ['skip_me.txt'] } } },
    );
    p.write('skip_me.txt', 'mine\n');
    p.commit();
    p.release('2.0.0', { 'skip_me.txt': 'v2\n', 'b.txt': 'b2\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(p.read('skip_me.txt')).toBe('mine\n');
    expect(statusOf(r, 'skip_me.txt')).toBe('skipped');
    expect(p.read('b.txt')).toBe('b2\n');
  });

  // copier recreates a deleted skip_if_exists file; detml treats the deletion of a seeded file as the user's decision.
  it('test_skip_update_deleted: a seeded file the user deleted stays deleted (detml: deletion is the user’s choice)', async () => {
    const p = await scenario(
      { 'skip_me.txt': '1\n', another_file: 'foobar\n' },
      { manifest: { ownership: { seeded: ['skip_me.txt'] } } },
    );
    p.remove('skip_me.txt');
    p.commit();
    p.release('2.0.0', { 'skip_me.txt': '2\n', another_file: 'foobar\n' });
    await p.sync({ to: '2.0.0' });
    expect(exists(p, 'skip_me.txt')).toBe(false);
  });

  for (const name of [
    'normal_file',
    'unicode_âñ',
    'file with whitespace',
    ' leading_whitespace',
    'trailing_whitespace ',
    // copier's 'back\\slash' case is left out on purpose: a template path with a backslash (Windows' separator) is
    // refused at render (tests/security/render-containment.test.ts), so no project can hold one from its template.
    '!special',
    'dont_wildmatch*',
  ]) {
    it(`test_update_deleted_path[${JSON.stringify(name)}]: a deleted path is not regenerated, and is no pattern`, async () => {
      const p = await scenario({ [name]: 'foo\n', another_file: 'foobar\n', dont_wildmatch: 'bar\n' });
      p.remove(name);
      p.commit();
      p.release('2.0.0', { [name]: 'bar\n', another_file: 'foobar\n', dont_wildmatch: 'baz\n' });
      const r = await p.sync({ to: '2.0.0' });
      expect(exists(p, name)).toBe(false);
      expect(statusOf(r, name)).toBe('skipped');
      expect(p.read('dont_wildmatch')).toBe('baz\n');
    });
  }

  it('test_overwrite_answers_file_always: the state file always moves to the new version', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.txt': 'a\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.status).toBe('clean');
    expect(state(p).template.version).toBe('2.0.0');
  });

  it('test_file_removed: template deletions remove only its untouched files; the user’s files in those folders stay', async () => {
    const p = await scenario({
      '1.txt': 'content 1\n',
      'dir 2/2.txt': 'content 2\n',
      'dir 3/subdir 3/3.txt': 'content 3\n',
      'dir 4/subdir 4/4.txt': 'content 4\n',
      'dir 5/subdir 5/5.txt': 'content 5\n',
      'toignore.txt': 'should survive update\n',
    });
    p.write('I.txt', 'content I\n');
    p.write('dir II/II.txt', 'content II\n');
    p.write('dir 3/subdir III/III.txt', 'content III\n');
    p.write('dir 4/subdir 4/IV.txt', 'content IV\n');
    p.commit();
    p.release('2.0.0', { '6.txt': 'content 6\n', 'toignore.txt': 'should survive update\n' });
    p.write('.gitignore', 'toignore.txt\n');
    p.commit('ignore file');
    await p.sync({ to: '2.0.0' });
    for (const f of [
      'I.txt',
      'dir II/II.txt',
      'dir 3/subdir III/III.txt',
      'dir 4/subdir 4/IV.txt',
      '6.txt',
      'toignore.txt',
    ])
      expect(exists(p, f), f).toBe(true);
    for (const f of ['1.txt', 'dir 2', 'dir 3/subdir 3', 'dir 4/subdir 4/4.txt', 'dir 5'])
      expect(exists(p, f), f).toBe(false);
  });

  it('test_update_inline_changed_answers_and_questions: an answer change and a template change in one sync', async () => {
    const p = await scenario({ 'README.md.hbs': lines(6, { 1: '# {{name}}' }) }, { name: 'proj' });
    p.release('2.0.0', { 'README.md.hbs': lines(6, { 1: '# {{name}}', 5: 'added in v2' }) });
    await p.sync({ to: '2.0.0', set: { name: 'other' } });
    expect(p.read('README.md')).toBe(lines(6, { 1: '# other', 5: 'added in v2' }));
    expect(state(p).answers.name).toBe('other');
  });

  it('test_update_in_repo_subdirectory: a project in a subfolder updates there and nowhere else', async () => {
    const p = await scenario({ 'a.txt': lines(5) }, { at: 'projects/one' });
    p.write('a.txt', lines(5, { 5: 'mine' }));
    p.commit();
    p.release('2.0.0', { 'a.txt': lines(5, { 1: 'tpl' }) });
    await p.sync({ to: '2.0.0' });
    expect(p.read('a.txt')).toBe(lines(5, { 1: 'tpl', 5: 'mine' }));
    expect(p.git('status', '--porcelain', ':/')).toMatch(/^M {2}projects\/one\/a\.txt$/m);
    expect(p.read('../../OTHER.md')).toBe('another project\n');
  });

  it('test_conflicted_files_are_marked_unmerged: a conflicted file is unmerged in git status', async () => {
    const p = await scenario({ 'readme.md': 'upstream version 1\n' });
    p.write('readme.md', 'downstream version 1\n');
    p.commit();
    p.release('2.0.0', { 'readme.md': 'upstream version 2\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.status).toBe('conflicts');
    expect(unmerged(p)).toEqual(['readme.md']);
  });

  it('test_3way_merged_files_without_conflicts_are_not_marked_unmerged: the same change on both sides is clean', async () => {
    const p = await scenario({ 'readme.md': 'upstream version 1\n' });
    p.write('readme.md', 'upstream version 2\n');
    p.commit();
    p.release('2.0.0', { 'readme.md': 'upstream version 2\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.read('readme.md')).toBe('upstream version 2\n');
    expect(unmerged(p)).toEqual([]);
    expect(exists(p, 'readme.md.rej')).toBe(false);
  });

  it('test_update_with_new_file_in_template_and_project: both add a file; the differing part is a labelled conflict', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.write(
      '.gitlab-ci.yml',
      'tests:\n    stage: test\n    script:\n        - ./test.sh\npages:\n    stage: deploy\n    script:\n        - ./deploy.sh\n',
    );
    p.commit();
    p.release('2.0.0', {
      'a.txt': 'a\n',
      '.gitlab-ci.yml': 'tests:\n    stage: test\n    script:\n        - ./test.sh --slow\n',
    });
    const r = await p.sync({ to: '2.0.0' });
    expect(statusOf(r, '.gitlab-ci.yml')).toBe('conflicted');
    const text = p.read('.gitlab-ci.yml');
    expect(
      text.startsWith('tests:\n    stage: test\n    script:\n<<<<<<< your HEAD\n        - ./test.sh\npages:\n'),
    ).toBe(true);
    expect(text).toContain('=======\n        - ./test.sh --slow\n>>>>>>> demo@2.0.0\n');
  });

  // copier lets a migration overwrite; detml refuses a moveFile onto a path the user already uses, before any change.
  it('test_update_with_new_file_in_template_and_project_via_migration: refused, naming the path, nothing changed', async () => {
    const p = await scenario({ 'old.yml': 'x: 1\n' });
    p.write('new.yml', 'mine: 1\n');
    p.commit();
    p.release(
      '2.0.0',
      { 'new.yml': 'x: 1\n' },
      { migrations: [{ version: '2.0.0', ops: [{ op: 'moveFile', from: 'old.yml', to: 'new.yml' }] }] },
    );
    const before = p.snapshot();
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(/new\.yml already exists in your project/);
    expect(p.snapshot()).toBe(before);
  });

  it('test_update_with_separate_git_directory: a project whose .git is a file works, and a dry run writes no object', async () => {
    const p = await scenario({ 'a.txt': lines(4) });
    const gitDir = join(p.dir, '..', 'separate.git');
    execFileSync('git', ['init', '-q', `--separate-git-dir=${gitDir}`], { cwd: p.dir }); // moves .git out, leaving a gitfile
    expect(readFileSync(join(p.dir, '.git'), 'utf8')).toMatch(/^gitdir: /);
    p.release('2.0.0', { 'a.txt': lines(4, { 1: 'v2' }) });
    const objects = () =>
      execFileSync('find', [join(gitDir, 'objects'), '-type', 'f'], { encoding: 'utf8' })
        .split('\n')
        .sort()
        .join('\n');
    const before = objects();
    await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(objects()).toBe(before);
    await p.sync({ to: '2.0.0' });
    expect(p.read('a.txt')).toBe(lines(4, { 1: 'v2' }));
  });

  it('test_gitignore_file_unignored: a tracked file the template ignores, then un-ignores, syncs through both', async () => {
    const p = await scenario({ _gitignore: '', '.env': '' });
    p.release('2.0.0', { _gitignore: '.env\n', '.env': '' });
    p.release('3.0.0', { _gitignore: '', '.env': '' });
    await p.sync({ to: '2.0.0' });
    p.commit('update to template v2');
    const r = await p.sync({ to: '3.0.0' });
    expect(r.status).toBe('clean');
    expect(state(p).template.version).toBe('3.0.0');
  });

  // copier updates a template file git ignores; detml never writes over an ignored file: create left it uncommitted,
  // so it is the user's, and sync leaves its bytes alone.
  it('test_update_keeps_template_generated_gitignored_file: the ignored file keeps the user’s bytes', async () => {
    const p = await scenario({ _gitignore: '.env\n', '.env.hbs': 'VERSION=v1\n' });
    expect(p.git('ls-files', '.env')).toBe('');
    p.write('.env', 'VERSION=v1\nSECRET=mine\n');
    p.release('2.0.0', { _gitignore: '.env\n', '.env.hbs': 'VERSION=v2\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.read('.env')).toBe('VERSION=v1\nSECRET=mine\n');
  });

  it('test_update_with_answers_with_umlaut: non-ASCII answers render and re-render byte-exact', async () => {
    const manifest = {
      questions: [
        { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
        { name: 'author', type: 'string', message: 'Author', default: 'Jürgen Größe' },
      ],
    };
    const p = await scenario({ 'AUTHORS.hbs': 'by {{author}}\n' }, { manifest });
    p.release('2.0.0', { 'AUTHORS.hbs': 'by {{author}} ✓\n' }, manifest);
    await p.sync({ to: '2.0.0' });
    expect(p.read('AUTHORS')).toBe('by Jürgen Größe ✓\n');
  });

  it('test_conflict_on_update_with_unicode_in_content: UTF-8 content around a conflict comes back intact', async () => {
    const p = await scenario({ 'text.txt': 'Àß∂ƒ\nline\n' });
    p.write('text.txt', 'Àß∂ƒ\nmine ✓\n');
    p.commit();
    p.release('2.0.0', { 'text.txt': 'Àß∂ƒ\ntheirs ✗\n' });
    await p.sync({ to: '2.0.0' });
    expect(p.read('text.txt')).toBe(
      'Àß∂ƒ\n<<<<<<< your HEAD\nmine ✓\n||||||| demo@1.0.0\nline\n=======\ntheirs ✗\n>>>>>>> demo@2.0.0\n',
    );
  });

  it('test_exclude_added_in_new_version: a file the new version no longer renders is removed when untouched', async () => {
    const p = await scenario({ 'keep.txt': 'k\n', 'drop.txt': 'd\n' });
    p.release('2.0.0', { 'keep.txt': 'k\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(exists(p, 'drop.txt')).toBe(false);
    expect(statusOf(r, 'drop.txt')).toBe('deleted');
  });

  it('test_update_propagates_executable_bit_addition', async () => {
    const p = await scenario({ 'run.sh': '#!/bin/sh\n' });
    p.release('2.0.0', { 'run.sh': '#!/bin/sh\n' }, { executable: ['run.sh'] });
    await p.sync({ to: '2.0.0' });
    expect(p.git('ls-files', '-s', 'run.sh')).toMatch(/^100755 /);
  });

  it('test_update_propagates_executable_bit_removal', async () => {
    const p = await scenario({ 'run.sh': '#!/bin/sh\n' }, { manifest: { executable: ['run.sh'] } });
    p.release('2.0.0', { 'run.sh': '#!/bin/sh\n' }, {});
    await p.sync({ to: '2.0.0' });
    expect(p.git('ls-files', '-s', 'run.sh')).toMatch(/^100644 /);
  });

  it('test_update_preserves_exec_bit_authored_on_unix: the user’s +x survives a content update', async () => {
    const p = await scenario({ 'tool.py': lines(6) });
    chmodSync(join(p.dir, 'tool.py'), 0o755);
    p.commit('make it executable');
    p.release('2.0.0', { 'tool.py': lines(6, { 2: 'v2' }) });
    await p.sync({ to: '2.0.0' });
    expect(p.git('ls-files', '-s', 'tool.py')).toMatch(/^100755 /);
    expect(p.read('tool.py')).toBe(lines(6, { 2: 'v2' }));
  });

  it('test_update_with_exec_bit_change_and_merge_conflict: a content conflict next to a mode change stays a conflict', async () => {
    const p = await scenario({ 'run.sh': 'echo 1\n' });
    p.write('run.sh', 'echo mine\n');
    p.commit();
    p.release('2.0.0', { 'run.sh': 'echo 2\n' }, { executable: ['run.sh'] });
    const r = await p.sync({ to: '2.0.0' });
    expect(statusOf(r, 'run.sh')).toBe('conflicted');
    expect(unmerged(p)).toEqual(['run.sh']);
    expect(p.read('run.sh')).toContain('<<<<<<< your HEAD\necho mine\n');
  });

  // copier commits with the user's hooks; detml's --local leaves the commit to the user and runs no hook itself.
  it('test_post_checkout_hook_ignored: --local triggers no git hook', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    const hook = join(p.dir, '.git', 'hooks', 'post-checkout');
    mkdirSync(join(p.dir, '.git', 'hooks'), { recursive: true });
    writeFileSync(hook, '#!/bin/sh\ntouch hook-ran\n', { mode: 0o755 });
    p.release('2.0.0', { 'a.txt': 'b\n' });
    await p.sync({ to: '2.0.0' });
    expect(exists(p, 'hook-ran')).toBe(false);
  });

  it('test_update_needs_more_context: a question added in the new version gets its default and a note', async () => {
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
      { name: 'threads', type: 'integer', message: 'Threads', default: 4 },
    ];
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'conf.hbs': 'threads={{threads}}\n' }, { questions });
    const r = await p.sync({ to: '2.0.0' });
    expect(p.read('conf')).toBe('threads=4\n');
    expect(r.notes).toContain('new question "threads" answered with its default 4');
  });

  it('test_update_with_skip_answered_and_new_answer: --set answers a new question', async () => {
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
      { name: 'threads', type: 'integer', message: 'Threads', default: 4 },
    ];
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'conf.hbs': 'threads={{threads}}\n' }, { questions });
    await p.sync({ to: '2.0.0', set: { threads: '8' } });
    expect(p.read('conf')).toBe('threads=8\n');
    expect(state(p).answers).toMatchObject({ name: 'proj', threads: 8 });
  });

  it('test_update_vcs_ref_current: syncing to the current version with the same answers changes nothing', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    const before = p.snapshot();
    const r = await p.sync({ to: '1.0.0' });
    expect(r.status).toBe('up-to-date');
    expect(p.snapshot()).toBe(before);
  });
});
