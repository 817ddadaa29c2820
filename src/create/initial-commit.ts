import { spawnSync } from 'node:child_process';
import { UserError } from '../errors.ts';

/** Fails before anything is written when git is not installed, naming the flag that does without it. */
export function requireGit(): void {
  const probe = spawnSync('git', ['--version'], { stdio: 'ignore' });
  if (probe.error) {
    throw new UserError(
      'git is not installed (or not on PATH), and create-detml makes an initial commit. Install git, or pass --no-git to create the project without a repository.',
    );
  }
}

/**
 * Commits the pristine render in the staging folder. git's own failure is reported in one line without the staging
 * folder's path (it no longer exists once the run ends); a full disk says so.
 */
export async function commitInitialRender(dir: string, message: string): Promise<void> {
  const { initAndCommit } = await import('../git.ts');
  try {
    await initAndCommit(dir, message);
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    if (/No space left on device|ENOSPC|Disk quota exceeded/i.test(text)) {
      throw new UserError(
        'The disk is full: git could not write the initial commit. Free some space and retry (or pass --no-git); nothing was written.',
      );
    }
    const reason =
      text
        .split('\n')
        .find((l) => /^(fatal|error):/.test(l.trim()))
        ?.trim() ??
      text.split('\n')[0] ??
      'unknown error';
    throw new UserError(
      `git could not make the initial commit (${reason.replaceAll(dir, '<project>')}). Fix git, or pass --no-git to skip it; nothing was written.`,
    );
  }
}
