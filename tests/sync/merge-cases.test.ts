import { describe, expect, it } from 'vitest';
import { createProject, statusOf } from '../helpers/sync-project.ts';

const lines = (n: number, edits: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${edits[i + 1] ?? `line ${i + 1}`}\n`).join('');

describe('sync --local on real git: the merge cases', () => {
  it('applies a template change to a file the user never touched', async () => {
    const p = await createProject();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('untouched.txt')).toBe('template v2\n');
    expect(statusOf(r, 'untouched.txt')).toBe('applied');
    expect(r.status).toBe('clean');
  });

  it('merges changes to different hunks of one file without conflict', async () => {
    const p = await createProject();
    p.write('config.txt', lines(20, { 18: 'line 18 user' }));
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('config.txt')).toBe(lines(20, { 2: 'line 2 from template 1.1', 18: 'line 18 user' }));
    expect(statusOf(r, 'config.txt')).toBe('merged');
    expect(p.git('ls-files', '-u')).toBe('');
  });

  it('raises no conflict when both made the same change', async () => {
    const p = await createProject();
    p.write('same.txt', lines(5, { 3: 'line 3 fixed' }));
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('same.txt')).toBe(lines(5, { 3: 'line 3 fixed' }));
    expect(statusOf(r, 'same.txt')).toBeUndefined();
    expect(r.plan.filter((e) => e.status === 'conflicted').map((e) => e.path)).not.toContain('same.txt');
  });

  it('writes conflict markers and an unmerged index when both changed the same hunk', async () => {
    const p = await createProject();
    p.write('config.txt', lines(20, { 2: 'line 2 from the user' }));
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(r.status).toBe('conflicts');
    expect(statusOf(r, 'config.txt')).toBe('conflicted');
    // All three diff3 sections carry human labels: never the synthetic commit ids.
    expect(p.read('config.txt')).toContain(
      '<<<<<<< your HEAD\nline 2 from the user\n||||||| demo@1.0.0\nline 2\n=======\nline 2 from template 1.1\n>>>>>>> demo@1.1.0\n',
    );
    expect(p.git('status', '--porcelain')).toMatch(/^UU config\.txt$/m);
    expect(
      p
        .git('ls-files', '-u', 'config.txt')
        .split('\n')
        .map((l) => l.split(/\s+/)[2]),
    ).toEqual(['1', '2', '3']);
    expect(p.git('status', '--porcelain', '--untracked-files=all')).not.toMatch(/\.rej|\.orig/);
  });

  it('leaves a file the user deleted deleted, and says so', async () => {
    const p = await createProject();
    p.remove('userdeleted.txt');
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.git('ls-files', 'userdeleted.txt')).toBe('');
    expect(r.plan.find((e) => e.path === 'userdeleted.txt')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/you deleted it/),
    });
    expect(r.status).toBe('clean');
  });

  it('deletes a file the template deleted when the user never touched it', async () => {
    const p = await createProject();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.git('ls-files', 'deleteme.txt')).toBe('');
    expect(statusOf(r, 'deleteme.txt')).toBe('deleted');
  });

  it('keeps a file the template deleted when the user edited it', async () => {
    const p = await createProject();
    p.write('deleteme-edited.txt', lines(5, { 4: 'mine' }));
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('deleteme-edited.txt')).toBe(lines(5, { 4: 'mine' }));
    expect(statusOf(r, 'deleteme-edited.txt')).toBe('kept');
    expect(r.status).toBe('clean');
  });

  it('carries the user’s edits to the new path when the template renames a file', async () => {
    const p = await createProject();
    p.write('old-name.txt', lines(30, { 25: 'edited by the user' }));
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('new-name.txt')).toBe(lines(30, { 25: 'edited by the user' }));
    expect(p.git('ls-files', 'old-name.txt')).toBe('');
    expect(r.plan.find((e) => e.path === 'old-name.txt')?.reason).toMatch(
      /moved to new-name.txt by the template; your edits moved with it/,
    );
  });

  it('merges a path both added with an empty base: conflict only where they differ', async () => {
    const p = await createProject();
    p.write('shared.txt', 'alpha\nBETA by user\ngamma\n');
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(statusOf(r, 'shared.txt')).toBe('conflicted');
    const text = p.read('shared.txt');
    expect(text).toMatch(
      /^alpha\n<<<<<<< your HEAD\nBETA by user\n\|{7} demo@1\.0\.0\n=======\nbeta\n>>>>>>> demo@1\.1\.0\ngamma\n/,
    );
  });

  it('merges cleanly when both added the same path with the same contents', async () => {
    const p = await createProject();
    p.write('shared.txt', 'alpha\nbeta\ngamma\n');
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('shared.txt')).toBe('alpha\nbeta\ngamma\n');
    expect(statusOf(r, 'shared.txt')).toBeUndefined();
  });

  it('keeps a binary file the user replaced when the template changed it too', async () => {
    const p = await createProject();
    p.write('model.bin', Buffer.from([7, 7, 7, 0, 7]));
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect([...Buffer.from(p.git('show', 'HEAD:model.bin'), 'latin1')]).toEqual([7, 7, 7, 0, 7]);
    expect([...(await import('node:fs')).readFileSync(`${p.dir}/model.bin`)]).toEqual([7, 7, 7, 0, 7]);
    expect(statusOf(r, 'model.bin')).toBe('kept');
    expect(p.git('ls-files', '-u')).toBe('');
  });

  it('applies an executable bit the template added', async () => {
    const p = await createProject();
    expect(p.git('ls-files', '-s', 'scripts/run.sh')).toMatch(/^100644/);
    const r = await p.sync({ to: '1.1.0' });
    expect(p.git('ls-files', '-s', 'scripts/run.sh')).toMatch(/^100755/);
    expect(statusOf(r, 'scripts/run.sh')).toBe('applied');
  });

  it('never touches seeded files', async () => {
    const p = await createProject();
    p.write('goldens/README.md', 'my goldens\n');
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('goldens/README.md')).toBe('my goldens\n');
    expect(statusOf(r, 'goldens/README.md')).toBe('skipped');
  });

  it('replaces an owned file the user edited, and reports it', async () => {
    const p = await createProject();
    p.write('.github/workflows/ci.yml', 'name: my own ci\n');
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('.github/workflows/ci.yml')).toBe('name: ci v2\n');
    expect(r.plan.find((e) => e.path === '.github/workflows/ci.yml')?.reason).toMatch(/your edits were replaced/);
    expect(p.git('ls-files', '-u')).toBe('');
  });

  it('never touches untracked or git-ignored files', async () => {
    const p = await createProject();
    p.write('.gitignore', 'secret.env\n');
    p.commit();
    p.write('secret.env', 'TOKEN=1\n');
    p.write('scratch.txt', 'notes\n');
    await p.sync({ to: '1.1.0' });
    expect(p.read('secret.env')).toBe('TOKEN=1\n');
    expect(p.read('scratch.txt')).toBe('notes\n');
    expect(p.git('status', '--porcelain', '--ignored')).toMatch(/^\?\? scratch\.txt$/m);
    expect(p.git('status', '--porcelain', '--ignored')).toMatch(/^!! secret\.env$/m);
  });

  it('refuses to overwrite an untracked file with a template-added one, changing nothing', async () => {
    const p = await createProject();
    p.write('shared.txt', 'my untracked notes\n');
    const before = p.snapshot();
    await expect(p.sync({ to: '1.1.0' })).rejects.toThrow(
      /^Blocked: the template writes shared\.txt, where untracked or ignored files of yours exist/,
    );
    expect(p.snapshot()).toBe(before);
    expect(p.read('shared.txt')).toBe('my untracked notes\n');
  });

  it('carries edits when an answer changed with --set renames paths', async () => {
    const p = await createProject('1.0.0', { name: 'proj' });
    p.write('src/proj/main.txt', lines(12, { 1: 'module proj', 6: 'user code' }));
    p.commit();
    const r = await p.sync({ to: '1.0.0', set: { name: 'renamed' } });
    expect(p.read('src/renamed/main.txt')).toBe(lines(12, { 1: 'module renamed', 6: 'user code' }));
    expect(p.git('ls-files', 'src/proj')).toBe('');
    expect(JSON.parse(p.read('.detml/state.json')).answers.name).toBe('renamed');
    expect(r.status).toBe('clean');
  });

  it('syncs a project created two versions ago in one go, with new answers defaulted', async () => {
    const p = await createProject('1.0.0');
    p.write('config.txt', lines(20, { 18: 'line 18 user' }));
    p.commit();
    const r = await p.sync({ to: '1.2.0' });
    expect(p.read('config.txt')).toBe(
      lines(20, { 2: 'line 2 from template 1.1', 10: 'line 10 from 1.2', 18: 'line 18 user' }),
    );
    expect(p.read('README.md')).toContain('threads: 2');
    expect(r.notes).toContain('new question "threads" answered with its default 2');
    const state = JSON.parse(p.read('.detml/state.json'));
    expect(state.template).toEqual({ id: 'demo', version: '1.2.0' });
    expect(state.answers).toEqual({ name: 'proj', seed: 42, threads: 2 });
  });

  it('runs a moveFile migration so the user’s edits follow the move', async () => {
    const p = await createProject('1.1.0');
    p.write('notes/todo.txt', 'todo item 1\nmy own todo\ntodo item 3\ntodo item 4\ntodo item 5\ntodo item 6\n');
    p.commit();
    const r = await p.sync({ to: '1.2.0' });
    expect(p.read('docs/todo.txt')).toBe(
      'todo item 1\nmy own todo\ntodo item 3\ntodo item 4\ntodo item 5\ntodo item 6 from 1.2\n',
    );
    expect(p.git('ls-files', 'notes')).toBe('');
    expect(r.status).toBe('clean');
  });

  it('never text-merges a lockfile: needs-relock when both sides changed it', async () => {
    const p = await createProject();
    p.write('package.json', '{\n  "name": "proj",\n  "dependencies": {\n    "a": "1.0.0",\n    "b": "2.0.0"\n  }\n}\n');
    p.write('package-lock.json', '{\n  "name": "proj",\n  "lock": "a@1.0.0 b@2.0.0"\n}\n');
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('package-lock.json')).toBe('{\n  "name": "proj",\n  "lock": "a@1.0.0 b@2.0.0"\n}\n');
    expect(statusOf(r, 'package-lock.json')).toBe('needs-relock');
    expect(p.read('package.json')).toContain('"a": "1.1.0"');
    expect(p.read('package.json')).toContain('"b": "2.0.0"');
  });

  it('takes the template’s lockfile when the user changed neither lock nor manifest', async () => {
    const p = await createProject();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('package-lock.json')).toContain('a@1.1.0');
    expect(statusOf(r, 'package-lock.json')).toBe('applied');
  });

  it('carries a hand-set fleet opt-out in the state file over to the new version', async () => {
    const p = await createProject();
    const state = JSON.parse(p.read('.detml/state.json'));
    p.write('.detml/state.json', JSON.stringify({ ...state, fleet: { optOut: true, reason: 'frozen' } }, null, 2));
    p.commit('opt out');
    await p.sync({ to: '1.1.0' });
    expect(JSON.parse(p.read('.detml/state.json'))).toMatchObject({
      template: { version: '1.1.0' },
      fleet: { optOut: true, reason: 'frozen' },
    });
  });

  it('says a project on the newest version is up to date', async () => {
    const p = await createProject('1.2.0');
    const before = p.snapshot();
    const r = await p.sync();
    expect(r.status).toBe('up-to-date');
    expect(p.snapshot()).toBe(before);
  });

  it('works for a project in a subfolder of a larger repository', async () => {
    const p = await createProject('1.0.0', { at: 'services/infer' });
    p.write('config.txt', lines(20, { 18: 'line 18 user' }));
    p.commit();
    const r = await p.sync({ to: '1.1.0' });
    expect(p.read('config.txt')).toBe(lines(20, { 2: 'line 2 from template 1.1', 18: 'line 18 user' }));
    expect(p.read('../../OTHER.md')).toBe('another project\n');
    expect(r.status).toBe('clean');
    expect(p.git('status', '--porcelain')).toMatch(/^M  services\/infer\/config\.txt$/m);
  });
});
