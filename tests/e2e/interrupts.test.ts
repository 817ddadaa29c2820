import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { demoWorkspace } from '../helpers/fixture-template.ts';
import { BIN } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startCli } from '../helpers/system.ts';
import { startTerminal } from '../helpers/tmux.ts';

function setup() {
  return demoWorkspace({ install: true });
}

const hasStaging = (dir: string) => existsSync(dir) && readdirSync(dir).some((n) => n.includes('detml-staging'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A fake `npm` first on PATH: records its PID and a child's, then waits, like an install that takes a while. */
function slowInstaller(root: string): { path: string; pids: () => number[] } {
  const bin = join(root, 'fake-bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh\necho $$ > "${root}/installer.pid"\nsleep 300 &\necho $! > "${root}/child.pid"\nwait\n`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  return {
    path: `${bin}:${process.env.PATH}`,
    pids: () =>
      ['installer.pid', 'child.pid'].map((f) =>
        existsSync(join(root, f)) ? Number(readFileSync(join(root, f), 'utf8')) : NaN,
      ),
  };
}

describe('interruptions', () => {
  // SIGINT/SIGTERM/SIGHUP go to the CLI's own PID only, as `kill <pid>` does: git, writing into the staging folder,
  // never sees them, and keeps adding files while the CLI removes the folder. The walk covers the writing (delays
  // from the staging folder's appearance) and, densely, git init/add/commit (delays from `.git` appearing in it).
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s to the PID at any point leaves either nothing or the whole project, never a staging folder',
    async (signal) => {
      const points = [
        ...[0, 100, 200].map((delay) => ({ phase: 'staging', delay })),
        ...[0, 3, 6, 10, 15, 20, 30, 40, 60, 80, 120].map((delay) => ({ phase: 'git', delay })),
      ];
      for (const { phase, delay } of points) {
        const { cwd, args } = setup();
        const run = startCli(['app', ...args, '--no-install'], { cwd });
        const staging = () => readdirSync(cwd).find((n) => n.includes('detml-staging'));
        await waitFor(
          () =>
            (phase === 'staging'
              ? Boolean(staging())
              : Boolean(staging()) && existsSync(join(cwd, staging()!, '.git'))) || existsSync(join(cwd, 'app')),
          phase,
        );
        await sleep(delay);
        run.child.kill(signal);
        const r = await run.done;
        expect(hasStaging(cwd), `staging left after ${signal} at ${phase} +${delay} ms: ${r.stderr}`).toBe(false);
        if (r.code === 130) {
          expect(r.stderr.trim()).toMatch(
            new RegExp(`^error: Interrupted \\(${signal}\\)(; nothing was left half-written\\.|\\.)$`),
          );
          if (r.stderr.includes('nothing was left')) expect(readdirSync(cwd)).toEqual([]);
        } else {
          expect(r.code).toBe(0); // finished before the signal
        }
        if (existsSync(join(cwd, 'app'))) expect(Object.keys(readState(join(cwd, 'app')).files)).toHaveLength(10);
      }
    },
    180_000,
  );

  it('SIGKILL leaves a staging folder; the next run removes it and creates the project', async () => {
    const { cwd, args } = setup();
    const run = startCli(['app', ...args, '--no-install'], { cwd });
    await waitFor(() => hasStaging(cwd), 'the staging folder');
    run.child.kill('SIGKILL');
    await run.done;
    expect(hasStaging(cwd)).toBe(true);
    const again = await runCli(['app', ...args, '--no-install'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Removed 1 staging folder left by an interrupted run');
    expect(readdirSync(cwd)).toEqual(['app']);
  });

  it('a run killed in "." leaves its staging folder inside; the next "." run still sees an empty folder', async () => {
    const { cwd, args } = setup();
    const here = join(cwd, 'here');
    mkdirSync(here);
    const run = startCli(['.', ...args, '--no-install'], { cwd: here });
    await waitFor(() => hasStaging(here), 'the staging folder');
    run.child.kill('SIGKILL');
    await run.done;
    const again = await runCli(['.', ...args, '--no-install'], { cwd: here });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(hasStaging(here)).toBe(false);
  });

  it('a staging folder of a live run, or of another host, is never removed', async () => {
    const { cwd, args } = setup();
    const live = spawn('sleep', ['30']);
    const run = startCli(['app', ...args, '--no-install'], { cwd });
    await waitFor(() => hasStaging(cwd), 'the staging folder');
    run.child.kill('SIGKILL');
    await run.done;
    // The killed run's folder name, with its PID swapped for a live process's: same host, live PID.
    const killed = readdirSync(cwd).find((n) => n.includes('detml-staging'))!;
    const livePid = killed.replace(/-(\d+)-([^-]+)$/, `-${live.pid}-$2`);
    const otherHost = killed.replace(/staging-[0-9a-f]{8}-/, 'staging-00000000-');
    mkdirSync(join(cwd, livePid));
    mkdirSync(join(cwd, otherHost));
    const r = await runCli(['other', ...args, '--no-install'], { cwd });
    live.kill();
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, killed))).toBe(false);
    expect(existsSync(join(cwd, livePid))).toBe(true);
    expect(existsSync(join(cwd, otherHost))).toBe(true);
  });

  it("SIGINT during install stops the installer's process group and prints the command that finishes it", async () => {
    const { root, cwd, args } = setup();
    const installer = slowInstaller(root);
    const run = startCli(['app', ...args], { cwd, env: { PATH: installer.path } });
    await waitFor(() => installer.pids().every((p) => p > 0), 'the installer');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr.trim()).toBe(
      `error: Interrupted (SIGINT); dependency installation was stopped. The project itself is complete; finish the install with: cd ${join(cwd, 'app')} && npm install`,
    );
    await waitFor(() => installer.pids().every((p) => !alive(p)), 'the installer and its child to stop', 5_000);
    expect(Object.keys(readState(join(cwd, 'app')).files)).toHaveLength(10);
  });

  it('Ctrl-C in a terminal during install does the same', async () => {
    const { root, cwd, templates } = setup();
    const installer = slowInstaller(root);
    const term = startTerminal(
      `${process.execPath} ${BIN} app --template demo --template-root ${templates} --yes`,
      cwd,
      { CI: undefined, NO_COLOR: '1', PATH: installer.path },
      root,
    );
    await waitFor(() => installer.pids().every((p) => p > 0), 'the installer');
    term.keys('C-c');
    expect(await term.exitCode()).toBe(130);
    expect(term.screen().replace(/\n/g, '')).toContain('finish the install with: cd');
    await waitFor(() => installer.pids().every((p) => !alive(p)), 'the installer and its child to stop', 5_000);
  });
});
