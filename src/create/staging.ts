import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { onInterrupt } from '../cleanup.ts';
import { UserError } from '../errors.ts';

/** A hidden folder beside the target where the project is assembled before it appears under its real name. */
export interface Staging {
  dir: string;
  /** Removes the staging folder; safe to call more than once. */
  discard(): void;
}

/** How the target folder looks before we write: absent, empty, or holding files. */
export type TargetState = 'absent' | 'empty' | 'non-empty';

/** Inspects the target folder; a file in the way is an error. */
export function inspectTarget(target: string): TargetState {
  if (!existsSync(target)) return 'absent';
  if (!statSync(target).isDirectory()) throw new UserError(`${target} exists and is not a directory. Choose another project directory.`);
  return readdirSync(target).length === 0 ? 'empty' : 'non-empty';
}

/**
 * Creates the staging folder in the target's parent (same file system, so publishing is one atomic rename) and
 * makes sure an interruption removes it: a killed create leaves no half-written project behind.
 */
export function createStaging(target: string): Staging {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `.${basename(target)}.detml-staging-`));
  // mkdtemp makes the folder private (0700); the published project gets the user's normal folder mode.
  chmodSync(dir, 0o777 & ~process.umask());
  const discard = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onInterrupt(discard);
  return {
    dir,
    discard: () => {
      unregister();
      discard();
    },
  };
}

/**
 * Moves the staged project into place. An absent or empty target gets one rename; a non-empty target (only with
 * --force) receives the files on top of what it holds, so the user's other files stay.
 */
export function publish(staging: Staging, target: string, state: TargetState): void {
  if (state === 'non-empty') {
    cpSync(staging.dir, target, { recursive: true, force: true });
  } else {
    if (state === 'empty') rmdirSync(target);
    renameSync(staging.dir, target);
  }
  staging.discard();
}
