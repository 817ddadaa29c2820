import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { runSync } from '../../sync/run-sync.ts';
import { createProject } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('sync refuses unsafe starts with one clear line and changes nothing', () => {
  it('dirty work tree', async () => {
    const p = await createProject();
    p.write('config.txt', 'uncommitted\n');
    const before = p.snapshot();
    await expect(p.sync({ to: '1.1.0' })).rejects.toThrow(
      'Uncommitted changes to tracked files (config.txt). Commit or stash them, then run sync again.',
    );
    expect(p.snapshot()).toBe(before);
  });

  it('staged but uncommitted changes count as dirty too', async () => {
    const p = await createProject();
    p.write('config.txt', 'staged\n');
    p.git('add', 'config.txt');
    await expect(p.sync({ to: '1.1.0' })).rejects.toThrow(/Uncommitted changes to tracked files \(config\.txt\)/);
  });

  it('a dirty work tree is reported before what the templates or the state file say (they are read while git checks)', async () => {
    const p = await createProject('1.1.0');
    p.write('config.txt', 'uncommitted\n');
    await expect(p.sync({ to: '1.0.0' })).rejects.toThrow(/^Uncommitted changes to tracked files \(config\.txt\)/);
    await expect(p.sync({ to: '9.9.9' })).rejects.toThrow(/^Uncommitted changes to tracked files \(config\.txt\)/);
    p.write('.detml/state.json', '{"schema": 1}');
    await expect(p.sync({ to: '1.1.0' })).rejects.toThrow(/^Uncommitted changes to tracked files \(.*config\.txt/);
  });

  for (const [version, lacks] of [
    ['2.35.1', '--batch-command'],
    ['2.37.0', '--write-tree'],
  ] as const) {
    it(`git ${version}, which lacks ${lacks}: the version is named, and nothing changes`, async () => {
      const p = await createProject();
      const before = p.snapshot();
      // A git that says it is older and, like it, refuses the option it lacks (a usage error, exit 129).
      const bin = tempDir('detml-old-git-');
      const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
      writeFileSync(
        join(bin, 'git'),
        `#!/bin/sh\n[ "$1" = --version ] && { echo "git version ${version}"; exit 0; }\n` +
          `for a in "$@"; do [ "$a" = ${lacks} ] && { echo "usage: unknown option" >&2; exit 129; }; done\n` +
          `exec ${real} "$@"\n`,
        { mode: 0o755 },
      );
      vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
      try {
        await expect(p.sync({ to: '1.1.0' })).rejects.toThrow(
          `create-detml sync needs git 2.38 or newer (found ${version.split('.').slice(0, 2).join('.')}) for "git merge-tree --write-tree"; upgrade git.`,
        );
      } finally {
        vi.unstubAllEnvs();
      }
      expect(p.snapshot()).toBe(before);
    });
  }

  it('corrupt state file', async () => {
    const p = await createProject();
    p.write('.detml/state.json', '{"schema": 1, "generator": {}}');
    p.commit('break state');
    const before = p.snapshot();
    await expect(p.sync({ to: '1.1.0' })).rejects.toThrow(
      /\.detml\/state\.json is corrupt: \$\.template: is required; .*\$\.generator\.version: is required\. Restore it from git/,
    );
    expect(p.snapshot()).toBe(before);
  });

  it('downgrade', async () => {
    const p = await createProject('1.1.0');
    const before = p.snapshot();
    await expect(p.sync({ to: '1.0.0' })).rejects.toThrow(
      'Cannot downgrade demo from 1.1.0 to 1.0.0; sync only moves forward.',
    );
    expect(p.snapshot()).toBe(before);
  });

  it('unknown template or version', async () => {
    const p = await createProject();
    await expect(p.sync({ to: '9.9.9' })).rejects.toThrow('Template demo@9.9.9 is not in template root');
    const state = JSON.parse(p.read('.detml/state.json'));
    p.write('.detml/state.json', JSON.stringify({ ...state, template: { id: 'nope', version: '1.0.0' } }));
    p.commit('other template');
    const before = p.snapshot();
    await expect(p.sync()).rejects.toThrow(/Unknown template "nope"/);
    expect(p.snapshot()).toBe(before);
  });

  it('not a git repository, or no commit yet', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.detml'));
    writeFileSync(join(dir, '.detml', 'state.json'), '{}');
    await expect(runSync({ cwd: dir, mode: 'local' })).rejects.toThrow(/is not inside a git work tree/);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    await expect(runSync({ cwd: dir, mode: 'local' })).rejects.toThrow(
      'The repository has no commits yet; commit the project first (git add -A && git commit).',
    );
  });

  it('a folder that is no detml project', async () => {
    const p = await createProject();
    p.git('rm', '-q', '.detml/state.json');
    p.commit('drop state');
    await expect(p.sync()).rejects.toThrow(/\.detml\/state\.json not found .*created by create-detml/);
  });
});

describe('sync without --local: a commit on detml/sync/<branch>', () => {
  it('commits the merged tree and new state on the sync branch, leaving the checkout alone', async () => {
    const p = await createProject();
    p.write(
      'config.txt',
      Array.from({ length: 20 }, (_, i) => (i === 17 ? 'line 18 user\n' : `line ${i + 1}\n`)).join(''),
    );
    p.commit();
    p.write('untracked.txt', 'mine\n');
    const head = p.git('rev-parse', 'HEAD');
    const before = p.snapshot();
    const r = await p.sync({ to: '1.1.0', mode: 'branch' });
    expect(r).toMatchObject({ status: 'clean', branch: 'detml/sync/main', base: 'main' });
    expect(p.snapshot()).toBe(before);
    expect(p.git('rev-parse', 'detml/sync/main^')).toBe(head);
    expect(p.git('log', '-1', '--format=%s', 'detml/sync/main')).toBe('detml: update demo template 1.0.0 -> 1.1.0');
    expect(JSON.parse(p.git('show', 'detml/sync/main:.detml/state.json')).template.version).toBe('1.1.0');
    expect(p.git('show', 'detml/sync/main:config.txt')).toContain('line 2 from template 1.1\n');
    expect(p.git('show', 'detml/sync/main:config.txt')).toContain('line 18 user');
    expect(p.git('diff', '--name-only', 'HEAD', 'detml/sync/main')).not.toContain('untracked.txt');
  });

  it('commits conflict markers on the sync branch only', async () => {
    const p = await createProject();
    p.write('config.txt', 'line 1\nline 2 mine\n' + Array.from({ length: 18 }, (_, i) => `line ${i + 3}\n`).join(''));
    p.commit();
    const before = p.snapshot();
    const r = await p.sync({ to: '1.1.0', mode: 'branch' });
    expect(r.status).toBe('conflicts');
    expect(p.git('show', 'detml/sync/main:config.txt')).toContain('<<<<<<< your HEAD');
    expect(p.snapshot()).toBe(before);
  });

  it('a dry run writes no branch and no file', async () => {
    const p = await createProject();
    const before = p.snapshot();
    const r = await p.sync({ to: '1.1.0', mode: 'dry-run' });
    expect(r.plan.length).toBeGreaterThan(5);
    expect(p.snapshot()).toBe(before);
    expect(p.git('branch', '--list', 'detml/*')).toBe('');
  });

  it('refuses a detached HEAD', async () => {
    const p = await createProject();
    p.git('checkout', '-q', '--detach');
    await expect(p.sync({ to: '1.1.0', mode: 'branch' })).rejects.toThrow(
      'HEAD is detached; check out the branch to update, then run sync again.',
    );
  });
});
