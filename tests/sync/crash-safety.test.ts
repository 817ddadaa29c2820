// sync --local killed (SIGKILL) right after each of its git steps: the next run finishes it, and the repository
// ends exactly as after an uninterrupted run; a conflict is never visible as a resolved (stage 0) index entry.
// Ctrl-C exits 130 and leaves no scratch folder. Runs the built CLI, as users do.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.ts';
import { cliEnv } from '../helpers/run-cli.ts';
import { scenario } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

const lines = (n: number, edits: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => `${edits[i + 1] ?? `line ${i + 1}`}\n`).join('');
const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

// A git on PATH that counts its calls and kills its caller (create-detml) right after call number KILL_AT.
function killingGit(dir: string): string {
  const bin = join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(
    join(bin, 'git'),
    // mkdir is atomic, so calls made in parallel still get distinct numbers.
    `#!/bin/sh\nn=1; while ! mkdir "$COUNTER/$n" 2>/dev/null; do n=$((n + 1)); done\n"${REAL_GIT}" "$@"; rc=$?\n[ "$n" = "$KILL_AT" ] && kill -9 $PPID\nexit $rc\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  return bin;
}

function run(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  signalAfterMs?: number,
): Promise<{ code: number | null; signal: string | null; pid: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (signalAfterMs !== undefined) setTimeout(() => child.kill('SIGINT'), signalAfterMs);
    child.on('close', (code, signal) => resolve({ code, signal, pid: child.pid!, stdout, stderr }));
  });
}

// Everything a user can observe: index with stages, status, and every tracked file's bytes.
function observe(dir: string): string {
  const git = (...a: string[]) => execFileSync(REAL_GIT, a, { cwd: dir, encoding: 'utf8' });
  const files = [...new Set(git('ls-files', '-z').split('\0').filter(Boolean))];
  return [
    git('ls-files', '-s'),
    git('status', '--porcelain=v1', '--untracked-files=all'),
    ...files.map((f) => `${f}:${existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'base64') : '-'}`),
  ].join('\n');
}

describe('15.2.10 crash safety of sync --local', () => {
  it('finishes after a SIGKILL at every git step with the uninterrupted result', async () => {
    const p = await scenario({ 'a.txt': lines(8), 'b.txt': lines(8), 'gone.txt': 'x\n', 'keep.txt': 'k\n' });
    p.write('a.txt', lines(8, { 2: 'mine' }));
    p.write('b.txt', lines(8, { 7: 'mine' }));
    p.commit();
    p.release('2.0.0', {
      'a.txt': lines(8, { 2: 'theirs' }),
      'b.txt': lines(8, { 1: 'theirs' }),
      'new.txt': 'n\n',
      'keep.txt': 'k\n',
    });
    const work = tempDir('detml-kill-');
    const bin = killingGit(work);
    const args = ['sync', '--local', '--to', '2.0.0', '--template-root', p.templateRoot];
    const env = (killAt: number) => ({
      PATH: `${bin}:${process.env.PATH}`,
      COUNTER: join(work, 'counter'),
      KILL_AT: String(killAt),
    });

    const reference = join(work, 'reference');
    cpSync(p.dir, reference, { recursive: true });
    const resetCounter = () => {
      rmSync(join(work, 'counter'), { recursive: true, force: true });
      mkdirSync(join(work, 'counter'));
    };
    resetCounter();
    const whole = await run(reference, args, env(0));
    expect(whole.code, whole.stderr).toBe(3);
    const steps = readdirSync(join(work, 'counter')).length;
    const expected = observe(reference);

    let finished = 0;
    for (let k = 1; k <= steps; k++) {
      const copy = join(work, `kill-${k}`);
      cpSync(p.dir, copy, { recursive: true });
      resetCounter();
      const killed = await run(copy, args, env(k));
      expect(killed.signal, `step ${k}`).toBe('SIGKILL');
      const staged = execFileSync(REAL_GIT, ['ls-files', '-s'], { cwd: copy, encoding: 'utf8' });
      if (/\t(a\.txt)$/m.test(staged) && / 0\ta\.txt$/m.test(staged)) {
        expect(
          execFileSync(REAL_GIT, ['show', ':a.txt'], { cwd: copy, encoding: 'utf8' }),
          `stage 0 markers after step ${k}`,
        ).not.toContain('<<<<<<<');
      }
      const again = await run(copy, args, env(0));
      expect([0, 3], `rerun after step ${k}: ${again.stderr}`).toContain(again.code);
      if (again.stdout.includes('finished a sync --local that was interrupted')) finished++;
      expect(observe(copy), `after a kill at step ${k}`).toBe(expected);
      expect(
        readdirSync(tmpdir()).filter((n) => n.startsWith(`detml-sync-${killed.pid}-`)),
        `scratch of the killed run ${k}`,
      ).toEqual([]);
    }
    // The kills inside the apply step (after the journal, before the index rename) were finished from the journal.
    expect(finished).toBeGreaterThanOrEqual(2);
  }, 600_000); // two CLI runs per git step (about 30 steps): slow on a loaded machine, not a hang
});

// copier tests/test_interrupts.py::test_keyboard_interrupt and tests/test_cleanup.py::test_cleanup_on_interrupt_during_update_task
describe('15.2.11 interrupts leave nothing behind', () => {
  it('Ctrl-C exits 130 and removes the run’s scratch folder', async () => {
    const p = await scenario({ 'a.txt': 'a\n' });
    p.release('2.0.0', { 'a.txt': 'b\n' });
    const work = tempDir('detml-int-');
    const bin = join(work, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    // A git that is slow on merge-tree, so the interrupt lands while the run's scratch folder exists.
    writeFileSync(join(bin, 'git'), `#!/bin/sh\ncase "$*" in *merge-tree*) sleep 3;; esac\nexec "${REAL_GIT}" "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const before = p.snapshot();
    const r = await run(
      p.dir,
      ['sync', '--local', '--to', '2.0.0', '--template-root', p.templateRoot],
      { PATH: `${bin}:${process.env.PATH}` },
      1500,
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Interrupted \(SIGINT\)/);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`detml-sync-${r.pid}-`))).toEqual([]);
    expect(p.snapshot()).toBe(before);
  });
});
