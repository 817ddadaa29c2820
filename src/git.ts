// The only module that imports simple-git: every git command create-detml runs goes through here.
import { simpleGit, type SimpleGit } from 'simple-git';
import { UserError } from './errors.ts';

/** A git client bound to one folder, with the user's environment (never a replaced one, see simple-git#1017). */
export function gitAt(dir: string, env?: Record<string, string>): SimpleGit {
  const git = simpleGit({ baseDir: dir, trimmed: false });
  return env ? git.env({ ...process.env, ...env } as Record<string, string>) : git;
}

/** True when `git` can be run at all. */
export async function gitAvailable(): Promise<boolean> {
  try {
    await simpleGit().raw(['--version']);
    return true;
  } catch {
    return false;
  }
}

/** The default branch name the user configured (`init.defaultBranch`), or `main`. */
export async function defaultBranch(dir: string): Promise<string> {
  try {
    const value = (await gitAt(dir).raw(['config', '--get', 'init.defaultBranch'])).trim();
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
  const git = gitAt(dir);
  const branch = await defaultBranch(dir);
  await git.raw(['init', '--quiet', `--initial-branch=${branch}`]);
  await git.raw(paths ? ['add', '--', ...paths] : ['add', '--all']);
  const identity = await hasIdentity(dir) ? [] : ['-c', 'user.name=create-detml', '-c', 'user.email=create-detml@users.noreply.github.com'];
  try {
    await git.raw([...identity, 'commit', '--quiet', '--no-verify', '-m', message]);
  } catch (error) {
    throw new UserError(`git commit failed in ${dir}: ${(error as Error).message.split('\n')[0]}. Rerun with --no-git to skip git.`);
  }
}

/** True when the folder is inside a git work tree. */
export async function isInsideWorkTree(dir: string): Promise<boolean> {
  try {
    return (await gitAt(dir).raw(['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

async function hasIdentity(dir: string): Promise<boolean> {
  try {
    const git = gitAt(dir);
    const name = (await git.raw(['config', '--get', 'user.name'])).trim();
    const email = (await git.raw(['config', '--get', 'user.email'])).trim();
    return Boolean(name && email);
  } catch {
    return false;
  }
}
