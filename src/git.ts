// The only module that imports simple-git: every git command create-detml runs goes through here.
import type { SimpleGit } from 'simple-git';
import { UserError } from './errors.ts';

/**
 * A git client bound to one folder, with the user's environment (never a replaced one, see simple-git#1017).
 * simple-git is imported on first use, so commands that never touch git do not pay for loading it.
 */
export async function gitAt(dir: string, env?: Record<string, string>): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: dir, trimmed: false });
  return env ? git.env({ ...process.env, ...env } as Record<string, string>) : git;
}

/**
 * git options for commands that read or write model-sized blobs: past 1 MiB a blob is streamed (git's default is
 * 512 MiB, below which it holds the whole blob in memory), and pack windows are mapped 16 MiB at a time, at most 64 MiB
 * at once (mapped pages count as memory too), so git's memory does not grow with a model's size.
 */
export const STREAM_LARGE_BLOBS = [
  '-c',
  'core.bigFileThreshold=1m',
  '-c',
  'core.packedGitWindowSize=16m',
  '-c',
  'core.packedGitLimit=64m',
] as const;

/** The default branch name the user configured (`init.defaultBranch`), or `main`. */
export async function defaultBranch(dir: string): Promise<string> {
  try {
    const value = (await (await gitAt(dir)).raw(['config', '--get', 'init.defaultBranch'])).trim();
    return value || 'main';
  } catch {
    return 'main';
  }
}

/**
 * Initialises a repository and commits the pristine render (every file, or only `paths`). Author identity falls back to a
 * create-detml identity only when the user has none configured, so the commit never fails for that reason.
 */
export async function initAndCommit(dir: string, message: string, paths?: readonly string[]): Promise<void> {
  const git = await gitAt(dir);
  const branch = await defaultBranch(dir);
  await git.raw(['init', '--quiet', `--initial-branch=${branch}`]);
  await git.raw([...STREAM_LARGE_BLOBS, ...(paths ? ['add', '--', ...paths] : ['add', '--all'])]);
  const identity = (await hasIdentity(dir))
    ? []
    : ['-c', 'user.name=create-detml', '-c', 'user.email=create-detml@users.noreply.github.com'];
  try {
    await git.raw([...STREAM_LARGE_BLOBS, ...identity, 'commit', '--quiet', '--no-verify', '-m', message]);
  } catch (error) {
    throw new UserError(
      `git commit failed in ${dir}: ${(error as Error).message.split('\n')[0]}. Rerun with --no-git to skip git.`,
    );
  }
}

/** True when the folder is inside a git work tree. */
export async function isInsideWorkTree(dir: string): Promise<boolean> {
  try {
    return (await (await gitAt(dir)).raw(['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

/** Env vars that give commits an identity when the user has configured none; empty when they have one. */
export async function fallbackIdentity(dir: string): Promise<Record<string, string>> {
  if (await hasIdentity(dir)) return {};
  const name = 'create-detml';
  const email = 'create-detml@users.noreply.github.com';
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
}

async function hasIdentity(dir: string): Promise<boolean> {
  try {
    const git = await gitAt(dir);
    const name = (await git.raw(['config', '--get', 'user.name'])).trim();
    const email = (await git.raw(['config', '--get', 'user.email'])).trim();
    return Boolean(name && email);
  } catch {
    return false;
  }
}

/** The result of a plumbing command: its exit code and raw output. */
export interface GitOutput {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs a git plumbing command that needs stdin or binary output (fast-import, update-index --index-info,
 * cat-file --batch, merge-tree). Exit codes listed in `okCodes` are returned; any other is an error.
 */
export async function runGit(
  dir: string,
  args: readonly string[],
  options: { input?: Buffer | string; env?: Record<string, string>; okCodes?: readonly number[] } = {},
): Promise<GitOutput> {
  const { spawn } = await import('node:child_process');
  if (process.env.DETML_GIT_TRACE) await trace(process.env.DETML_GIT_TRACE, dir, args, options);
  return new Promise((resolve, reject) => {
    // Without input, stdin is /dev/null: one pipe fewer to make for each of the many short git calls.
    const child = spawn('git', args, {
      cwd: dir,
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (error) => reject(new UserError(`Cannot run git: ${error.message}. Install git and retry.`)));
    child.on('close', (code) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
      if ((options.okCodes ?? [0]).includes(result.code)) resolve(result);
      else reject(new GitError(args, result));
    });
    if (!child.stdin) return;
    child.stdin.on('error', () => {}); // git may exit before reading all input; the exit code tells what happened
    child.stdin.end(options.input);
  });
}

/** A git command that failed; the message names the command and git's first error line. */
export class GitError extends UserError {
  constructor(
    readonly args: readonly string[],
    readonly result: GitOutput,
  ) {
    super(`git ${args[0]} failed: ${result.stderr.trim().split('\n')[0] ?? `exit ${result.code}`}`);
  }
}

// Benchmarks replay the exact git commands sync ran (bench/sync.ts) to compare sync with its raw git cost.
async function trace(
  file: string,
  dir: string,
  args: readonly string[],
  options: { input?: Buffer | string; env?: Record<string, string> },
): Promise<void> {
  const { appendFileSync } = await import('node:fs');
  const input = options.input === undefined ? '' : Buffer.from(options.input).toString('base64');
  // Only variables that shape the command are kept: credentials (GIT_CONFIG_*) never reach the trace.
  const env = Object.fromEntries(
    Object.entries(options.env ?? {}).filter(([k]) => /^GIT_(INDEX_FILE|AUTHOR_|COMMITTER_)/.test(k)),
  );
  appendFileSync(file, `${JSON.stringify({ dir, args, env, input })}\n`);
}

/** A git process kept open for a request/answer conversation over stdin/stdout (`cat-file --batch`, `mktree --batch`). */
export interface GitSession {
  write(data: Buffer | string): void;
  /** The next line of output, without its newline. */
  readLine(): Promise<string>;
  /** The next `n` bytes of output. */
  readBytes(n: number): Promise<Buffer>;
  /** Closes stdin and waits for git to exit; a failure exit is an error. Calling it again returns the same promise. */
  end(): Promise<void>;
}

/**
 * Starts a git command whose answers depend on what it was asked before (a tree's id before its parent's entries),
 * so one process serves a whole walk instead of one process per question.
 */
export async function startGit(
  dir: string,
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
): Promise<GitSession> {
  const { spawn } = await import('node:child_process');
  const child = spawn('git', args, {
    cwd: dir,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const sent: Buffer[] = [];
  const err: Buffer[] = [];
  // Output not yet taken, as it arrived: joined only when taken, so reading a large blob copies it once.
  let chunks: Buffer[] = [];
  let size = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const exited = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      failure = new UserError(`Cannot run git: ${error.message}. Install git and retry.`);
      resolve(-1);
    });
    child.on('close', (code) => resolve(code ?? -1));
  });
  const closed = exited.then((code) => {
    failure ??= new GitError(args, {
      code,
      stdout: Buffer.concat(chunks),
      stderr: Buffer.concat(err).toString('utf8'),
    });
    wake?.();
  });
  child.stdout.on('data', (d: Buffer) => {
    chunks.push(d);
    size += d.length;
    wake?.();
  });
  const joined = (): Buffer => {
    if (chunks.length > 1) chunks = [Buffer.concat(chunks, size)];
    return chunks[0] ?? Buffer.alloc(0);
  };
  // Resolves once `ready()` says how many bytes to take, or rejects when git has exited without them.
  const take = async (ready: () => number | undefined): Promise<Buffer> => {
    for (;;) {
      const n = ready();
      if (n !== undefined) {
        const all = joined();
        chunks = n < all.length ? [all.subarray(n)] : [];
        size -= n;
        return all.subarray(0, n);
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  };
  child.stderr.on('data', (d: Buffer) => err.push(d));
  child.stdin.on('error', () => {}); // git may exit early; the exit code tells what happened
  let ended: Promise<void> | undefined;
  const finish = async () => {
    child.stdin.end();
    const code = await exited;
    await closed;
    if (process.env.DETML_GIT_TRACE)
      await trace(process.env.DETML_GIT_TRACE, dir, args, { input: Buffer.concat(sent), env: options.env });
    if (code !== 0) throw failure;
  };
  return {
    write: (data) => {
      const b = Buffer.from(data);
      if (process.env.DETML_GIT_TRACE) sent.push(b);
      child.stdin.write(b);
    },
    readLine: async () => {
      const line = await take(() => {
        const eol = joined().indexOf(0x0a);
        return eol < 0 ? undefined : eol + 1;
      });
      return line.subarray(0, line.length - 1).toString('utf8');
    },
    readBytes: (n) => take(() => (size >= n ? n : undefined)),
    end: () => (ended ??= finish()),
  };
}
