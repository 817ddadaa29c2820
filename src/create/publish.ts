import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Staging, TargetState } from './staging.ts';

/** What to do with a rendered file whose path already exists in the target (decided by the conflicter). */
export type CollisionDecision = 'write' | 'keep';

/** What publishing changed in an existing folder. */
export interface PublishResult {
  /** Paths (relative, `/`-separated) whose previous contents were moved into `backupDir`. */
  overwritten: string[];
  /** Where the overwritten originals are, relative to the target; absent when nothing was overwritten. */
  backupDir?: string;
}

/**
 * Moves the staged project into place with renames only, so a full disk cannot fail it half-way. An absent target
 * is one rename. An existing folder is never replaced: entries move into it one by one; a path the conflicter
 * approved is replaced after its original is moved into `.detml/backup/<stamp>/`; anything else in the way is an
 * error. Any failure moves everything back, so the folder is exactly as it was (it is synchronous, so no signal
 * handler can run half-way).
 */
export function publish(
  staging: Staging,
  target: string,
  state: TargetState,
  decisions: ReadonlyMap<string, CollisionDecision>,
): PublishResult {
  if (state === 'absent') {
    renameSync(staging.dir, target);
    staging.discard();
    return { overwritten: [] };
  }
  const backupRel = `.detml/backup/${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const journal: { path: string; backup?: string; createdDir?: string }[] = [];
  const overwritten: string[] = [];
  const rollback = () => {
    for (const entry of journal.reverse()) {
      rmSync(entry.path, { recursive: true, force: true });
      if (entry.backup) renameSync(entry.backup, entry.path);
      if (entry.createdDir) rmSync(entry.createdDir, { recursive: true, force: true });
    }
    journal.length = 0;
  };

  const merge = (from: string, to: string, rel: string): void => {
    for (const name of readdirSync(from).sort()) {
      const source = join(from, name);
      const dest = join(to, name);
      const path = rel ? `${rel}/${name}` : name;
      const existing = lstatOrUndefined(dest);
      if (!existing) {
        journal.push({ path: dest });
        renameSync(source, dest);
      } else if (existing.isDirectory() && lstatSync(source).isDirectory()) {
        merge(source, dest, path);
      } else if (decisions.get(path) === 'keep') {
        continue;
      } else if (decisions.get(path) === 'write') {
        const backup = join(target, backupRel, path);
        const createdDir = mkdirSync(dirname(backup), { recursive: true });
        journal.push({ path: dest, backup, ...(createdDir ? { createdDir } : {}) });
        // Backups are the user's old files, not the project: git (and so verify and `git add -A`) ignores them.
        const ignore = join(target, '.detml', 'backup', '.gitignore');
        if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
        renameSync(dest, backup);
        renameSync(source, dest);
        overwritten.push(path);
      } else {
        throw new UserError(
          `${path} in ${target} is in the way of the project's ${lstatSync(source).isDirectory() ? 'folder' : 'file'} of the same name; move it away and retry. Nothing was changed.`,
        );
      }
    }
  };

  try {
    merge(staging.dir, target, '');
  } catch (error) {
    rollback();
    throw error;
  }
  staging.discard();
  return overwritten.length ? { overwritten, backupDir: backupRel } : { overwritten };
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
