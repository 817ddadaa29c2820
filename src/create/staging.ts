import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { onInterrupt } from '../cleanup.ts';
import { UserError } from '../errors.ts';

/** A hidden folder where the project is assembled before it appears under its real name. */
export interface Staging {
  dir: string;
  /** Removes the staging folder; safe to call more than once. */
  discard(): void;
}

/** How the target folder looks before we write: absent, empty, or holding files. */
export type TargetState = 'absent' | 'empty' | 'non-empty';

// Staging folders carry the host and PID of the run that made them, so a later run can tell a live one from a killed
// one; a folder made on another machine sharing the disk is never judged by this machine's process table.
const STAGING = /\.detml-staging-([0-9a-f]{8})-(\d+)-[^/]*$/;
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** Inspects the target folder; a file in the way is an error. */
export function inspectTarget(target: string): TargetState {
  if (!existsSync(target)) return 'absent';
  if (!statSync(target).isDirectory())
    throw new UserError(`${target} exists and is not a directory. Choose another project directory.`);
  return readdirSync(target).length === 0 ? 'empty' : 'non-empty';
}

/**
 * Removes staging folders left beside or inside the target by runs that were killed (SIGKILL, power loss): their
 * PID is no longer alive. A live run's folder is never touched. Returns how many were removed.
 */
export function removeStaleStaging(target: string): number {
  let removed = 0;
  for (const folder of [dirname(target), target]) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue; // absent or unreadable: nothing of ours can be there
    }
    for (const name of names) {
      const [, host, pid] = STAGING.exec(name) ?? [];
      if (host !== HOST || !pid || isAlive(Number(pid))) continue;
      rmSync(join(folder, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/**
 * Creates the staging folder on the target's file system, so publishing is renames only: beside an absent target
 * (one rename makes it appear), inside an existing one (the folder itself is never replaced, so `create .` keeps the
 * shell's working directory). An interruption removes it.
 */
export function createStaging(target: string, state: TargetState): Staging {
  const parent = state === 'absent' ? dirname(target) : target;
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `.${basename(target)}.detml-staging-${HOST}-${process.pid}-`));
  // mkdtemp makes the folder private (0700); the published project gets the user's normal folder mode.
  chmodSync(dir, 0o777 & ~process.umask());
  // No rmSync retries: they retry the same rmdir without listing again, while a child (git) the signal did not
  // reach may still be adding files; on a signal, the CLI's cleanup retries the whole removal (src/cleanup.ts).
  const discard = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onInterrupt(() => {
    discard();
    return 'nothing was left half-written.';
  });
  return {
    dir,
    discard: () => {
      unregister();
      discard();
    },
  };
}
