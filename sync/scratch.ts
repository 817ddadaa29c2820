import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onInterrupt } from '../src/cleanup.ts';

const PREFIX = 'detml-sync-';

/** One sync run's scratch folder: every temporary file of the run lives in it, and `dispose` removes it. */
export interface Scratch {
  path: string;
  dispose(): void;
}

/** Creates the run's scratch folder (named after this process), removed on success, failure and Ctrl-C. */
export function createScratch(): Scratch {
  const path = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  mkdirSync(join(path, 'objects'));
  const remove = () => rmSync(path, { recursive: true, force: true });
  const unregister = onInterrupt(() => {
    remove();
    return undefined;
  });
  return {
    path,
    dispose: () => {
      unregister();
      remove();
    },
  };
}

/** Removes the scratch folders of runs that were killed outright (their process is gone). */
export function removeStaleScratch(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^detml-sync-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
