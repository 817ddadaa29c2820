// sync in pull-request mode (the built CLI, against the fake GitHub and its real smart-HTTP git server) killed
// (SIGKILL) right after each of its git steps: the user's checkout is untouched, no token is left anywhere, and the
// next run ends with exactly one sync branch, one pull request and the same tree as an uninterrupted run.
// The PR-mode counterpart of tests/sync/crash-safety.test.ts, with the same counting git on PATH.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';
import type { FakeGitHub } from '../helpers/fake-github/server.ts';
import { BIN } from '../helpers/paths.ts';
import { cliEnv } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { filesContaining } from '../helpers/files-containing.ts';

const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

// A git on PATH that counts its calls and kills its caller (create-detml) right after call number KILL_AT.
function killingGit(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'git'),
    // mkdir is atomic, so calls made in parallel still get distinct numbers.
    `#!/bin/sh\nn=1; while ! mkdir "$COUNTER/$n" 2>/dev/null; do n=$((n + 1)); done\n"${REAL_GIT}" "$@"; rc=$?\n[ "$n" = "$KILL_AT" ] && kill -9 $PPID\nexit $rc\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  return bin;
}

// One copy of the project, published on the shared fake GitHub as acme/<name>.
interface Copy {
  dir: string;
  name: string;
}

function sync(
  gh: FakeGitHub,
  copy: Copy,
  templateRoot: string,
  token: string,
  env: Record<string, string>,
): Promise<{ code: number | null; signal: string | null; pid: number; stdout: string; stderr: string }> {
  const args = ['sync', '--template-root', templateRoot, '--api-url', gh.apiUrl, '--to', '1.1.0'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: copy.dir,
      env: cliEnv({ GITHUB_TOKEN: token, GITHUB_API_URL: undefined, GITHUB_REPOSITORY: undefined, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, pid: child.pid!, stdout, stderr }));
  });
}

// Everything of the user's checkout: HEAD, index with stages, status, .git/config and every tracked file's bytes.
function checkout(dir: string): string {
  const git = (...a: string[]) => execFileSync(REAL_GIT, a, { cwd: dir, encoding: 'utf8' });
  const files = [...new Set(git('ls-files', '-z').split('\0').filter(Boolean))];
  return [
    git('symbolic-ref', 'HEAD'),
    git('rev-parse', 'HEAD'),
    git('ls-files', '-s'),
    git('status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
    readFileSync(join(dir, '.git', 'config'), 'utf8'),
    ...files.map((f) => `${f}:${existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'base64') : '-'}`),
  ].join('\n');
}

// What the remote ends with: its sync branches, the tree they hold, and the pull requests.
function remoteResult(gh: FakeGitHub, name: string): string {
  const remote = (...args: string[]) =>
    execFileSync(REAL_GIT, args, { cwd: gh.state.repo('acme', name)!.dir, encoding: 'utf8' }).trim();
  const branches = remote('for-each-ref', '--format=%(refname)', 'refs/heads/detml/');
  const pulls = gh
    .pulls('acme', name)
    .map((p) => JSON.stringify({ state: p.state, draft: p.draft, title: p.title, labels: p.labels }));
  const trees = branches
    .split('\n')
    .filter(Boolean)
    .map((ref) => remote('rev-parse', `${ref}^{tree}`));
  return [branches, ...trees, ...pulls].join('\n');
}

describe('15.2.10 crash safety of sync in pull-request mode', () => {
  it('leaves the checkout and secrets alone after a SIGKILL at every git step; a rerun ends as one uninterrupted run', async () => {
    const work = tempDir('detml-pr-kill-');
    const bin = killingGit(work);
    // Each run counts its git calls in its own folder, so the killed runs can go three at a time.
    const env = (counter: string, killAt: number) => {
      rmSync(counter, { recursive: true, force: true });
      mkdirSync(counter, { recursive: true });
      return { PATH: `${bin}:${process.env.PATH}`, COUNTER: counter, KILL_AT: String(killAt) };
    };

    // One project and one fake GitHub; each run gets its own copy of the project, published as its own repository.
    const { p, gh, token } = await checkedGithubProject();
    const publish = (name: string): Copy => {
      const dir = join(work, name);
      cpSync(p.dir, dir, { recursive: true });
      execFileSync(REAL_GIT, ['remote', 'set-url', 'origin', gh.gitUrl('acme', name)], { cwd: dir });
      gh.addRepo('acme', name, dir);
      return { dir, name };
    };
    const needles = [token, Buffer.from(`x-access-token:${token}`).toString('base64')];

    const reference = publish('reference');
    const counter = join(work, 'counter-reference');
    const whole = await sync(gh, reference, p.templateRoot, token, env(counter, 0));
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toMatch(/^Opened pull request #1 \(detml\/sync\/main\)/m);
    const steps = readdirSync(counter).length;
    const expected = remoteResult(gh, reference.name);
    expect(expected.split('\n')[0]).toBe('refs/heads/detml/sync/main');
    expect(gh.pulls('acme', reference.name)).toHaveLength(1);

    let pushedWithoutPr = 0;
    const killAt = async (k: number) => {
      const copy = publish(`kill-${k}`);
      const before = checkout(copy.dir);
      const killed = await sync(gh, copy, p.templateRoot, token, env(join(work, `counter-${k}`), k));
      expect(killed.signal, `step ${k}: ${killed.stderr}`).toBe('SIGKILL');
      expect(checkout(copy.dir), `checkout after a kill at step ${k}`).toBe(before);
      expect(filesContaining(copy.dir, needles), `token after a kill at step ${k}`).toEqual([]);
      if (remoteResult(gh, copy.name).startsWith('refs/heads/detml/sync/main') && !gh.pulls('acme', copy.name).length)
        pushedWithoutPr++;

      const again = await sync(gh, copy, p.templateRoot, token, env(join(work, `counter-${k}`), 0));
      expect(again.code, `rerun after step ${k}: ${again.stderr}`).toBe(0);
      expect(remoteResult(gh, copy.name), `remote after a kill at step ${k}`).toBe(expected);
      expect(checkout(copy.dir), `checkout after the rerun of step ${k}`).toBe(before);
      expect(filesContaining(copy.dir, needles), `token after the rerun of step ${k}`).toEqual([]);
      expect(filesContaining(gh.state.repo('acme', copy.name)!.dir, needles)).toEqual([]);
      for (const out of [killed.stdout, killed.stderr, again.stdout, again.stderr])
        for (const n of needles) expect(out).not.toContain(n);
      expect(
        readdirSync(tmpdir()).filter((n) => n.startsWith(`detml-sync-${killed.pid}-`)),
        `scratch of the killed run ${k}`,
      ).toEqual([]);
    };
    const queue = Array.from({ length: steps }, (_, i) => i + 1);
    const worker = async () => {
      for (let k = queue.shift(); k !== undefined; k = queue.shift()) await killAt(k);
    };
    await Promise.all([worker(), worker(), worker()]);
    // Kills after the push (the branch is on GitHub, the pull request not yet) were finished by the rerun.
    expect(pushedWithoutPr).toBeGreaterThanOrEqual(1);
  }, 600_000); // two CLI runs per git step (36 steps, three at a time): slow on a loaded machine, not a hang
});
