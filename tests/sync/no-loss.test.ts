import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockedError, DataLossError } from '../../sync/no-loss.ts';
import { scenario, statusOf, type ScenarioProject } from '../helpers/sync-project.ts';

const lines = (n: number, edits: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${edits[i + 1] ?? `line ${i + 1}`}\n`).join('');
const bytes = (p: ScenarioProject, path: string) => readFileSync(join(p.dir, path));

// Every path a plan line promises (kept, applied, merged, conflicted) exists after a --local sync.
function expectPlanTruthful(p: ScenarioProject, r: Awaited<ReturnType<ScenarioProject['sync']>>) {
  for (const e of r.plan.filter((x) =>
    ['kept', 'applied', 'merged', 'conflicted', 'needs-relock'].includes(x.status),
  )) {
    expect(existsSync(join(p.dir, e.path)), `${e.status} ${e.path}`).toBe(true);
  }
}

describe('15.2.1 ignored and untracked files are never touched', () => {
  it('blocks a template-added .env where the user keeps an ignored .env, keeping its bytes and changing nothing', async () => {
    const p = await scenario({ _gitignore: '.env\n', 'a.txt': 'a\n' });
    p.write('.env', 'SECRET=mine\n');
    p.release('2.0.0', { _gitignore: '.env\n', 'a.txt': 'a\n', '.env': 'SECRET=\n' });
    const before = p.snapshot();
    const error = await p.sync({ to: '2.0.0' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedError);
    expect((error as BlockedError).exitCode).not.toBe(0);
    expect((error as Error).message).toMatch(
      /^Blocked: the template writes \.env, where untracked or ignored files of yours exist/,
    );
    expect(p.read('.env')).toBe('SECRET=mine\n');
    expect(p.snapshot()).toBe(before);
  });

  it('reports the same block in a dry run', async () => {
    const p = await scenario({ _gitignore: '.env\n' });
    p.write('.env', 'SECRET=mine\n');
    p.release('2.0.0', { _gitignore: '.env\n', '.env': 'SECRET=\n' });
    await expect(p.sync({ to: '2.0.0', mode: 'dry-run' })).rejects.toThrow(BlockedError);
    expect(p.read('.env')).toBe('SECRET=mine\n');
  });

  it('blocks a template-added file "data" where the user keeps an ignored data/ folder', async () => {
    const p = await scenario({ _gitignore: 'data/\n' });
    p.write('data/train.csv', 'x,y\n1,2\n');
    p.release('2.0.0', { _gitignore: 'data/\n', data: 'now a file\n' });
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(/template writes data, where untracked or ignored/);
    expect(p.read('data/train.csv')).toBe('x,y\n1,2\n');
  });

  it('blocks a template-added file inside a folder where an ignored file of the same name exists', async () => {
    const p = await scenario({ _gitignore: 'cache/\n' });
    p.write('cache/index.json', '{"mine":true}\n');
    p.release('2.0.0', { _gitignore: 'cache/\n', 'cache/index.json': '{}\n' });
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(/template writes cache\/index\.json/);
    expect(p.read('cache/index.json')).toBe('{"mine":true}\n');
  });

  it('does not block in pull-request mode: the commit never touches the checkout', async () => {
    const p = await scenario({ _gitignore: '.env\n' });
    p.write('.env', 'SECRET=mine\n');
    p.release('2.0.0', { _gitignore: '.env\n', '.env': 'SECRET=\n' });
    const r = await p.sync({ to: '2.0.0', mode: 'branch' });
    expect(p.git('show', `${r.commit}:.env`)).toBe('SECRET=');
    expect(p.read('.env')).toBe('SECRET=mine\n');
  });
});

describe('15.2.2 paths that move keep every user file', () => {
  it('keeps a file the user added in a folder the template renames (lib/ -> pkg/)', async () => {
    const files = { 'lib/a.txt': lines(10), 'lib/b.txt': lines(12, { 1: 'bee' }) };
    const p = await scenario(files);
    p.write('lib/mine.txt', 'my module\n');
    p.commit();
    p.release('2.0.0', { 'pkg/a.txt': lines(10), 'pkg/b.txt': lines(12, { 1: 'bee' }) });
    const r = await p.sync({ to: '2.0.0' });
    const where = ['lib/mine.txt', 'pkg/mine.txt'].filter((f) => existsSync(join(p.dir, f)));
    expect(where).toHaveLength(1);
    expect(p.read(where[0]!)).toBe('my module\n');
    expectPlanTruthful(p, r);
  });

  it('keeps a file the user added under src/{{name}}/ when --set renames the folder', async () => {
    const p = await scenario({ 'src/{{name}}/main.txt.hbs': lines(8, { 1: 'module {{name}}' }) }, { name: 'proj' });
    p.write('src/proj/extra.txt', 'user helper\n');
    p.commit();
    const r = await p.sync({ to: '1.0.0', set: { name: 'renamed' } });
    const where = ['src/proj/extra.txt', 'src/renamed/extra.txt'].filter((f) => existsSync(join(p.dir, f)));
    expect(where).toHaveLength(1);
    expect(p.read(where[0]!)).toBe('user helper\n');
    expect(p.read('src/renamed/main.txt')).toBe(lines(8, { 1: 'module renamed' }));
    expectPlanTruthful(p, r);
  });

  it('never loses the user’s edits when a file becomes a folder', async () => {
    const p = await scenario({ config: lines(6) });
    p.write('config', lines(6, { 3: 'my setting' }));
    p.commit();
    p.release('2.0.0', { 'config/main.yml': 'key: value\n' });
    const head = p.git('rev-parse', 'HEAD');
    const outcome = await p.sync({ to: '2.0.0' }).catch((e: unknown) => e);
    if (outcome instanceof Error) {
      expect(outcome).toBeInstanceOf(DataLossError);
      expect(p.read('config')).toBe(lines(6, { 3: 'my setting' }));
    } else {
      const all = p
        .git('ls-files', '-s')
        .split('\n')
        .map((l) => l.split('\t')[1]!);
      const mine = all
        .filter((f) => f.startsWith('config'))
        .map((f) => p.git('cat-file', '-p', `:${f}`).includes('my setting') || p.read(f).includes('my setting'));
      expect(mine).toContain(true);
    }
    expect(p.git('rev-parse', 'HEAD')).toBe(head);
  });

  it('keeps a submodule gitlink where the template now adds a file, and says so', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    const sub = join(p.dir, '..', 'sub');
    mkdirSync(sub);
    execFileSync('git', ['init', '-q'], { cwd: sub });
    execFileSync('git', ['-c', 'user.name=u', '-c', 'user.email=u@e', 'commit', '-q', '--allow-empty', '-m', 's'], {
      cwd: sub,
    });
    const subHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: sub, encoding: 'utf8' }).trim();
    p.git('update-index', '--add', '--cacheinfo', `160000,${subHead},vendor`);
    mkdirSync(join(p.dir, 'vendor')); // an unpopulated submodule, as after a clone without --recurse-submodules
    p.git('commit', '-qm', 'add a submodule');
    p.release('2.0.0', { 'a.txt': 'a\n', vendor: 'vendored file\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(p.git('ls-files', '-s', 'vendor')).toMatch(/^160000 /);
    expect(r.plan.find((e) => e.path === 'vendor')).toMatchObject({
      status: 'kept',
      reason: expect.stringMatching(/your submodule stays/),
    });
    expectPlanTruthful(p, r);
  });

  it('refuses a moveFile migration onto a path the user already uses, naming it, changing nothing', async () => {
    const p = await scenario({ 'notes/todo.txt': 'todo\n' });
    p.write('docs/todo.txt', 'my own docs\n');
    p.commit();
    p.release(
      '2.0.0',
      { 'docs/todo.txt': 'todo\n' },
      { migrations: [{ version: '2.0.0', ops: [{ op: 'moveFile', from: 'notes/todo.txt', to: 'docs/todo.txt' }] }] },
    );
    const before = p.snapshot();
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(
      /moves notes\/todo\.txt to docs\/todo\.txt, but docs\/todo\.txt already exists/,
    );
    expect(p.snapshot()).toBe(before);
    expect(p.read('docs/todo.txt')).toBe('my own docs\n');
  });
});

describe('15.2.3 the plan tells the truth', () => {
  it('keeps an owned file the template removes when the user edited it, and the kept path exists', async () => {
    const manifest = { ownership: { owned: ['ci/**'] } };
    const p = await scenario({ 'ci/build.yml': 'build: v1\n', 'a.txt': 'a\n' }, { manifest });
    p.write('ci/build.yml', 'build: mine\n');
    p.commit();
    p.release('2.0.0', { 'a.txt': 'a\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(statusOf(r, 'ci/build.yml')).toBe('kept');
    expect(p.read('ci/build.yml')).toBe('build: mine\n');
    expectPlanTruthful(p, r);
  });

  it('a dry run reports exactly what --local then does', async () => {
    const p = await scenario({ 'a.txt': lines(6), 'gone.txt': 'x\n' });
    p.write('a.txt', lines(6, { 5: 'mine' }));
    p.commit();
    p.release('2.0.0', { 'a.txt': lines(6, { 1: 'tpl' }), 'new.txt': 'n\n' });
    const dry = await p.sync({ to: '2.0.0', mode: 'dry-run' });
    const real = await p.sync({ to: '2.0.0' });
    expect(real.plan).toEqual(dry.plan);
    expectPlanTruthful(p, real);
    expect(existsSync(join(p.dir, 'gone.txt'))).toBe(false);
  });
});

describe('15.2.4 projects in a subdirectory of a repository', () => {
  it('records conflicts at the project’s real paths and leaves the rest of the repository alone', async () => {
    const p = await scenario({ 'config.txt': lines(8) }, { at: 'services/infer' });
    p.write('config.txt', lines(8, { 2: 'mine' }));
    p.write('../../README.md', 'root readme\n');
    p.commit();
    p.release('2.0.0', { 'config.txt': lines(8, { 2: 'theirs' }) });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.status).toBe('conflicts');
    const unmerged = p
      .git('ls-files', '-u', '--full-name', ':/')
      .split('\n')
      .map((l) => l.split('\t')[1]);
    expect(new Set(unmerged)).toEqual(new Set(['services/infer/config.txt']));
    expect(p.git('ls-files', '-s', '--full-name', ':/README.md')).toMatch(/^100644 [0-9a-f]+ 0\tREADME\.md$/);
    expect(p.read('../../README.md')).toBe('root readme\n');
    expect(p.read('config.txt')).toContain(
      '<<<<<<< your HEAD\nmine\n||||||| demo@1.0.0\nline 2\n=======\ntheirs\n>>>>>>> demo@2.0.0\n',
    );
  });
});

describe('15.2.5 bytes are sacred', () => {
  const latin1 = (s: string) => Buffer.from(s, 'latin1');

  it('merges Latin-1 text byte for byte', async () => {
    const p = await scenario({ 'notes.txt': latin1(lines(8, { 1: 'café' })) });
    p.write('notes.txt', latin1(lines(8, { 1: 'café', 7: 'señor' })));
    p.commit();
    p.release('2.0.0', { 'notes.txt': latin1(lines(8, { 1: 'café crème' })) });
    await p.sync({ to: '2.0.0' });
    expect(bytes(p, 'notes.txt').equals(latin1(lines(8, { 1: 'café crème', 7: 'señor' })))).toBe(true);
  });

  it('relabels conflict markers in Latin-1 text without decoding it (no U+FFFD)', async () => {
    const p = await scenario({ 'notes.txt': latin1(lines(4)) });
    p.write('notes.txt', latin1(lines(4, { 2: 'à moi' })));
    p.commit();
    p.release('2.0.0', { 'notes.txt': latin1(lines(4, { 2: 'à eux' })) });
    await p.sync({ to: '2.0.0' });
    const out = bytes(p, 'notes.txt');
    expect(out.includes(Buffer.from('\uFFFD', 'utf8'))).toBe(false);
    expect(
      out.equals(
        latin1(
          'line 1\n<<<<<<< your HEAD\nà moi\n||||||| demo@1.0.0\nline 2\n=======\nà eux\n>>>>>>> demo@2.0.0\nline 3\nline 4\n',
        ),
      ),
    ).toBe(true);
  });

  it('never splices a binary without a NUL byte that both sides changed', async () => {
    const blob = (b: number) =>
      Buffer.from(
        Array.from({ length: 64 }, (_, i) => ((i * 7 + b) % 250) + 1)
          .map((x) => (x === 10 ? 11 : x))
          .concat([10, 2, 3, 10]),
      );
    const v1 = blob(1);
    const mine = Buffer.from(v1);
    mine[0] = 200;
    const theirs = Buffer.from(v1);
    theirs[theirs.length - 2] = 99;
    expect(v1.includes(0)).toBe(false);
    const p = await scenario({ 'weights.f32': v1 });
    p.write('weights.f32', mine);
    p.commit();
    p.release('2.0.0', { 'weights.f32': theirs });
    const r = await p.sync({ to: '2.0.0' });
    expect(bytes(p, 'weights.f32').equals(mine)).toBe(true);
    expect(statusOf(r, 'weights.f32')).toBe('kept');
  });

  it('merges a file the user keeps with CRLF line ends without a whole-file conflict', async () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    const p = await scenario({ 'app.cfg': lines(10) });
    p.write('.gitattributes', 'app.cfg -text\n');
    p.write('app.cfg', crlf(lines(10, { 9: 'mine' })));
    p.commit();
    p.release('2.0.0', { 'app.cfg': lines(10, { 2: 'theirs' }) });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.status).toBe('clean');
    expect(p.read('app.cfg')).toBe(crlf(lines(10, { 2: 'theirs', 9: 'mine' })));
  });
});

describe('15.2.6 symlinks in templates', () => {
  // copier tests/test_symlinks.py::test_update_symlink: copier recreates template symlinks; detml refuses them with
  // a clear error instead, because a link in a template can point outside the project, and a render must be bytes.
  it('refuses a template version containing a symlink with an error naming it, changing nothing', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.txt': 'a\n' });
    symlinkSync('a.txt', join(p.templateRoot, 'demo@2.0.0', 'files', 'link.txt'));
    const before = p.snapshot();
    await expect(p.sync({ to: '2.0.0' })).rejects.toThrow(
      /files\/link\.txt is a symbolic link; templates cannot contain symlinks/,
    );
    expect(p.snapshot()).toBe(before);
  });
});

describe('15.2.5 .gitattributes eol rules', () => {
  it('merges under "text eol=crlf": LF in the index, CRLF in the work tree, no conflict', async () => {
    const p = await scenario({ 'app.txt': lines(10) });
    p.write('.gitattributes', '*.txt text eol=crlf\n');
    p.commit('attributes');
    p.remove('app.txt');
    p.git('checkout', '--', 'app.txt'); // re-checked out under the new rule
    p.write('app.txt', lines(10, { 9: 'mine' }).replace(/\n/g, '\r\n'));
    p.commit();
    p.release('2.0.0', { 'app.txt': lines(10, { 2: 'theirs' }) });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.status).toBe('clean');
    expect(p.git('show', ':app.txt') + '\n').toBe(lines(10, { 2: 'theirs', 9: 'mine' }));
    expect(bytes(p, 'app.txt').toString('latin1')).toBe(lines(10, { 2: 'theirs', 9: 'mine' }).replace(/\n/g, '\r\n'));
  });
});

describe('15.2.8 --dry-run changes nothing', () => {
  it('leaves .git/objects, refs and the index exactly as they were', async () => {
    const p = await scenario({ 'a.txt': lines(5) });
    p.write('a.txt', lines(5, { 4: 'mine' }));
    p.commit();
    p.release('2.0.0', { 'a.txt': lines(5, { 1: 'tpl' }), 'b.bin': Buffer.from([1, 2, 0, 3]) });
    const objects = () =>
      readdirSync(join(p.dir, '.git', 'objects'), { recursive: true })
        .map(String)
        .sort()
        .join('\n');
    const before = [objects(), p.snapshot(), readFileSync(join(p.dir, '.git', 'index')).toString('base64')];
    const r = await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(statusOf(r, 'a.txt')).toBe('merged');
    expect([objects(), p.snapshot(), readFileSync(join(p.dir, '.git', 'index')).toString('base64')]).toEqual(before);
  });
});

describe('15.2.11 temporary folders', () => {
  const mine = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`detml-sync-${process.pid}-`));

  it('leaves no scratch folder behind, on success or on failure', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.txt': 'b\n' });
    await p.sync({ to: '2.0.0', mode: 'dry-run' });
    await p.sync({ to: '9.0.0' }).catch(() => {});
    expect(mine()).toEqual([]);
  });

  it('removes a scratch folder left by a killed run', async () => {
    const dead = execFileSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).trim();
    const stale = join(tmpdir(), `detml-sync-${dead}-stale`);
    mkdirSync(join(stale, 'objects'), { recursive: true });
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.txt': 'b\n' });
    await p.sync({ to: '2.0.0', mode: 'dry-run' });
    expect(existsSync(stale)).toBe(false);
  });
});

describe('issue 20.6: the rename parser', () => {
  it('never reads a path beginning with R as a status letter', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.txt': 'a\n', 'README.md': '# readme\n', 'zz.txt': 'z\n' });
    const r = await p.sync({ to: '2.0.0' });
    expect(r.plan.find((e) => e.path === 'zz.txt')?.reason).toBe('added by the template');
    expect(r.plan.find((e) => e.path === 'README.md')?.reason).toBe('added by the template');
  });
});

describe('15.2.10 a pending journal', () => {
  it('is finished only by --local; a dry run refuses and names the command', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    const result = {
      status: 'clean',
      template: 'demo',
      from: '1.0.0',
      to: '1.0.0',
      mode: 'local',
      plan: [],
      notes: [],
    };
    const journal = join(p.dir, '.git', 'detml-sync-journal.json');
    writeFileSync(
      journal,
      JSON.stringify({
        head: p.git('rev-parse', 'HEAD'),
        tree: p.git('rev-parse', 'HEAD^{tree}'),
        conflicts: [],
        result,
      }),
    );
    await expect(p.sync({ mode: 'dry-run' })).rejects.toThrow(
      /"sync --local" was interrupted .* run "create-detml sync --local" to finish it first/,
    );
    const r = await p.sync({ mode: 'local' });
    expect(r.notes).toContain('finished a sync --local that was interrupted; review and commit it');
    expect(existsSync(journal)).toBe(false);
  });
});
