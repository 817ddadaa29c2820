// git plumbing processes: one spawn per command (runGit), or one kept open for a conversation (startGit). The only
// module that imports child_process for git; simple-git's porcelain calls live in git.ts.
import { UserError } from './errors.ts';

/** The result of a plumbing command: its exit code and raw output. */
export interface GitOutput {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs a git plumbing command that needs stdin or binary output (fast-import, update-index --index-info,
 * cat-file --batch, merge-tree). Exit codes listed in `okCodes` are returned; any other is an error. A run of the
 * same command in the same folder that startGitEarly began is taken over rather than started again.
 */
export async function runGit(
  dir: string,
  args: readonly string[],
  options: { input?: Buffer | string; env?: Record<string, string>; okCodes?: readonly number[] } = {},
): Promise<GitOutput> {
  const early = options.input === undefined && options.env === undefined ? takeEarly(dir, args) : undefined;
  const result = await (early ?? execGit(dir, args, options));
  if ((options.okCodes ?? [0]).includes(result.code)) return result;
  throw new GitError(args, result);
}

/**
 * Starts a git command before anyone asks for it, so that it runs while the code that will ask is still loading (the
 * entry starts sync's first two commands, sync/first-git.ts). The first runGit of the same arguments in the same
 * folder, with no input or environment of its own, takes the run over. One never taken runs to its end: git status
 * may hold the index lock, and a killed one would leave it behind.
 */
export function startGitEarly(dir: string, args: readonly string[]): void {
  const run = execGit(dir, args, {});
  run.catch(() => {}); // reported to the runGit that takes it over; never an unhandled rejection
  earlyRuns().set(earlyKey(dir, args), run);
}

// Shared through the global object because the entry (dist/main.cjs) and the command bundle it loads each carry
// their own copy of this module.
const EARLY_RUNS = Symbol.for('create-detml.early-git-runs');
type EarlyRuns = Map<string, Promise<GitOutput>>;
const earlyRuns = (): EarlyRuns => ((globalThis as { [EARLY_RUNS]?: EarlyRuns })[EARLY_RUNS] ??= new Map());
const earlyKey = (dir: string, args: readonly string[]) => JSON.stringify([dir, args]);

function takeEarly(dir: string, args: readonly string[]): Promise<GitOutput> | undefined {
  if (earlyRuns().size === 0) return undefined; // the common case: nothing was started early, or all was taken
  const key = earlyKey(dir, args);
  const run = earlyRuns().get(key);
  earlyRuns().delete(key);
  return run;
}

// Spawns git and collects its output; resolves with any exit code, rejects only when git cannot be started.
async function execGit(
  dir: string,
  args: readonly string[],
  options: { input?: Buffer | string; env?: Record<string, string> },
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
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
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
