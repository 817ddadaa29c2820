import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { BIN } from './paths.ts';
import { cliEnv, type CliResult } from './run-cli.ts';
import { tempDir } from './tmp.ts';

/** True when the tests run as root (needed to mount a tmpfs or to run the CLI as another user). */
export const isRoot = process.getuid?.() === 0;

const USER = 'detml-nonroot';

/** A real unprivileged account (created with useradd when absent), for checks that root would bypass. */
export function nonRootUser(): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], {
        stdio: 'ignore',
      });
    } catch {
      // Another test worker may have created it meanwhile; `id` below decides.
    }
  }
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A fresh home folder owned by `uid`, so the CLI's per-user caches work for that user. */
export function homeFor(uid: number, gid: number): string {
  const home = tempDir('detml-home-');
  chownSync(home, uid, gid);
  return home;
}

/** Mounts a tmpfs of `size` (e.g. "128k") on a fresh folder and unmounts it after the test. Needs root. */
export function smallDisk(size: string): string {
  const dir = tempDir('detml-disk-');
  const mountPoint = join(dir, 'disk');
  mkdirSync(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', mountPoint]);
  onTestFinished(() => void execFileSync('umount', ['-l', mountPoint]));
  return mountPoint;
}

/** Every entry under a folder with its type, mode and contents: equal snapshots mean an untouched folder. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(root, path));
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isDirectory()) {
        out[path] = `dir ${mode}`;
        walk(path);
      } else if (stat.isSymbolicLink()) out[path] = `link ${readlinkSync(join(root, path))}`;
      else out[path] = `file ${mode} ${readFileSync(join(root, path)).toString('base64')}`;
    }
  };
  walk('');
  return out;
}

/** A running CLI whose PID the test can signal directly (not its process group). */
export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliResult>;
  stdout(): string;
}

/** Starts the built CLI with stdin closed; `uid`/`gid` run it as another user. */
export function startCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; uid?: number; gid?: number },
): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    // cliEnv drops npm_config_user_agent; a test that sets it (a pnpm or yarn run) gets it back.
    env: {
      ...cliEnv(options.env),
      ...Object.fromEntries(Object.entries(options.env ?? {}).filter(([, v]) => v !== undefined)),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  onTestFinished(() => void child.kill('SIGKILL'));
  return { child, done, stdout: () => stdout };
}

/** Asserts the one-line error contract: exactly one `error:` line, no stack trace, no bug report. */
export function oneLineError(r: CliResult): string {
  const lines = r.stderr.trim().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith('error: ') || /This is a bug|\n\s+at /.test(r.stderr)) {
    throw new Error(`expected one error line, got:\n${r.stderr}`);
  }
  return lines[0]!;
}
