// The only module that imports simple-git (porcelain calls: init, commit, config); the plumbing processes sync runs
// are spawned in git-process.ts.
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
