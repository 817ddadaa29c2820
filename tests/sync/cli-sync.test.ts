import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.ts';
import { cliEnv, runCli } from '../helpers/run-cli.ts';
import { FIRST_GIT } from '../../sync/first-git.ts';
import { readGitTrace } from '../helpers/git-trace.ts';
import { createProject } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

const editLine = (n: number, text: string) =>
  Array.from({ length: 20 }, (_, i) => (i + 1 === n ? `${text}\n` : `line ${i + 1}\n`)).join('');

describe('create-detml sync (the built CLI)', () => {
  it('exits 0 on a clean --local sync and prints the plan', async () => {
    const p = await createProject();
    const r = await runCli(['sync', '--local', '--to', '1.1.0', '--template-root', p.templateRoot], { cwd: p.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Synced demo 1\.0\.0 -> 1\.1\.0:/);
    expect(r.stdout).toMatch(/^ {2}applied {6}untouched\.txt +template change$/m);
    expect(r.stdout).toMatch(/review with "git diff --cached"/);
  });

  it('starts its status and repository probe while its bundle loads, once each and before any other git; --help runs no git', async () => {
    const p = await createProject();
    const trace = join(tempDir(), 'trace.jsonl');
    const args = ['sync', '--local', '--to', '1.1.0', '--template-root', p.templateRoot];
    expect((await runCli(args, { cwd: p.dir, env: { DETML_GIT_TRACE: trace } })).code).toBe(0);
    const commands = readGitTrace(trace).map((c) => c.args.join(' '));
    expect(commands.slice(0, 2)).toEqual(FIRST_GIT.map((a) => a.join(' ')));
    for (const first of FIRST_GIT) expect(commands.filter((c) => c === first.join(' '))).toHaveLength(1);
    expect(commands.length).toBeLessThanOrEqual(10); // tests/sync/git-spawns.test.ts: no more processes than before
    // They start before the sync's own code runs: a command line the sync then rejects has started them too.
    const early = join(tempDir(), 'early.jsonl');
    expect((await runCli([...args, '--no-such-flag'], { cwd: p.dir, env: { DETML_GIT_TRACE: early } })).code).toBe(2);
    expect(readGitTrace(early).map((c) => c.args)).toEqual(FIRST_GIT);
    const helpTrace = join(tempDir(), 'help.jsonl');
    expect((await runCli(['sync', '--help'], { cwd: p.dir, env: { DETML_GIT_TRACE: helpTrace } })).code).toBe(0);
    expect(existsSync(helpTrace)).toBe(false);
  });

  it('exits 3 with conflicts and names the files to fix', async () => {
    const p = await createProject();
    p.write('config.txt', editLine(2, 'mine'));
    p.commit();
    const r = await runCli(['sync', '--local', '--to', '1.1.0', '--template-root', p.templateRoot], { cwd: p.dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^ {2}conflicted {3}config\.txt/m);
    expect(r.stdout).toMatch(/Conflicts in config\.txt: resolve the markers, "git add" the files, then commit\./);
  });

  it('--dry-run --json prints a machine-readable plan and changes nothing', async () => {
    const p = await createProject();
    const before = p.snapshot();
    const r = await runCli(['sync', '--dry-run', '--json', '--template-root', p.templateRoot], { cwd: p.dir });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ status: 'clean', template: 'demo', from: '1.0.0', to: '1.2.0', mode: 'dry-run' });
    expect(plan.plan).toContainEqual({
      path: 'untouched.txt',
      status: 'applied',
      ownership: 'merged',
      reason: 'template change',
    });
    expect(p.snapshot()).toBe(before);
  });

  it('reports a dirty tree as one line with exit 1', async () => {
    const p = await createProject();
    p.write('config.txt', 'dirty\n');
    const r = await runCli(['sync', '--template-root', p.templateRoot], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'error: Uncommitted changes to tracked files (config.txt). Commit or stash them, then run sync again.',
    );
  });

  it('says when already up to date', async () => {
    const p = await createProject('1.2.0');
    const r = await runCli(['sync', '--template-root', p.templateRoot], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('Already up to date: demo 1.2.0.');
  });

  it('a sync killed at any moment leaves the repository untouched, fully synced, or finished by the next run', async () => {
    const p = await createProject();
    p.write('config.txt', editLine(18, 'line 18 user'));
    p.commit();
    const before = p.snapshot();
    const outcomes = new Set<string>();
    for (const delay of [20, 80, 160, 240, 320, 400, 500, 650, 800]) {
      const child = spawn(
        process.execPath,
        [BIN, 'sync', '--local', '--to', '1.1.0', '--template-root', p.templateRoot],
        { cwd: p.dir, env: cliEnv(), stdio: 'ignore' },
      );
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await closed;
      await new Promise((r) => setTimeout(r, 100)); // let an orphaned git child finish, as it would for a user
      expect(existsSync(join(p.dir, '.git', 'index.lock'))).toBe(false);
      const now = p.snapshot();
      if (now === before) {
        outcomes.add('untouched');
        continue;
      }
      // Killed while writing the work tree (its journal is there): the next run finishes it, as the README promises.
      if (existsSync(join(p.dir, '.git', 'detml-sync-journal.json'))) {
        const again = await runCli(['sync', '--local', '--to', '1.1.0', '--template-root', p.templateRoot], {
          cwd: p.dir,
        });
        expect(again.code).toBe(0);
        expect(again.stdout).toContain('finished a sync --local that was interrupted');
        outcomes.add('finished');
      }
      // Otherwise the sync must be complete: the new state file, the merge, and index == work tree.
      expect(JSON.parse(p.read('.detml/state.json')).template.version).toBe('1.1.0');
      expect(p.read('config.txt')).toBe(editLine(18, 'line 18 user').replace('line 2\n', 'line 2 from template 1.1\n'));
      expect(p.git('diff', '--stat')).toBe('');
      outcomes.add('synced');
      p.git('reset', '-q', '--hard', 'HEAD');
      p.git('clean', '-qfd');
    }
    expect(outcomes.has('untouched')).toBe(true);
  });
});
