import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/errors.ts';
import { listTree, type Listing, type ObjectStore } from './git-objects.ts';
import { diffTrees, type TreeChange as Change } from './tree-diff.ts';
import { withTreeReader } from './tree-reader.ts';
import type { PlanEntry } from './policy.ts';

/** The merge result would drop content the user has in HEAD; nothing was applied. */
export class DataLossError extends UserError {
  override name = 'DataLossError';
  constructor(readonly paths: readonly string[]) {
    super(
      `Sync stopped before changing anything: the result would lose your content in ${shown(paths)}. Please report this with the template versions.`,
    );
  }
}

/** Untracked or ignored files stand where the result puts files; nothing was applied and their bytes are kept. */
export class BlockedError extends UserError {
  override name = 'BlockedError';
  constructor(readonly paths: readonly string[]) {
    super(
      `Blocked: the template writes ${shown(paths)}, where untracked or ignored files of yours exist; move them away (or commit them), then run sync again. Nothing was changed.`,
    );
  }
}

/** Everything the no-loss check compares; paths are repository-relative. */
export interface NoLossInput {
  store: ObjectStore;
  headTree: string;
  tree: string;
  old: Listing;
  next: Listing;
  conflicts: ReadonlyMap<string, unknown>;
  /** Template renames and migration moves: old path -> new path. */
  renames: ReadonlyMap<string, string>;
  /** Paths sync writes on purpose besides the template's (the state file). */
  extra: readonly string[];
  plan: readonly PlanEntry[];
  prefix: string;
  /** The repository root on disk when the result goes into the work tree (or a dry run reports it); else undefined. */
  workTree: string | undefined;
}

const GITLINK = '160000';

/**
 * The product's promise, checked on the finished tree before anything is applied: every path of the user's HEAD is
 * in the result with their bytes or merged content, or its removal is the template deleting a file the user never
 * changed, or its bytes moved to a new path; every kept or written plan line names a path of the result; and no
 * untracked or ignored file stands where the result writes (those block instead of being overwritten).
 */
export async function checkNoLoss(input: NoLossInput): Promise<void> {
  const destinations = [
    ...new Set([...input.renames.values(), ...input.plan.filter(listed).map((e) => input.prefix + e.path)]),
  ];
  const [changes, present] = await Promise.all([
    changesAgainstHead(input),
    listTree(input.store, input.tree, destinations),
  ]);
  const added = new Set([...changes].filter(([, c]) => c.status === 'A').map(([, c]) => c.dstOid));
  const touched = new Set([...input.old.keys(), ...input.next.keys(), ...input.conflicts.keys(), ...input.extra]);

  const lost: string[] = [];
  for (const [path, c] of changes) {
    if (c.status === 'A') continue;
    if (c.srcMode === GITLINK) lost.push(path);
    else if (c.status === 'D') {
      const o = input.old.get(path);
      const templateDeletedUntouched = o?.oid === c.srcOid && !input.next.has(path);
      const to = input.renames.get(path);
      if (!templateDeletedUntouched && !added.has(c.srcOid) && !(to && present.has(to))) lost.push(path);
    } else if (!touched.has(path)) lost.push(path);
  }
  for (const e of input.plan.filter(listed)) if (!present.has(input.prefix + e.path)) lost.push(input.prefix + e.path);
  if (lost.length) throw new DataLossError([...new Set(lost)]);
  if (input.workTree) {
    const blocked = obstacles(input.workTree, changes);
    if (blocked.length) throw new BlockedError(blocked);
  }
}

// Plan lines that promise a file exists afterwards.
const listed = (e: PlanEntry) => ['kept', 'applied', 'merged', 'conflicted', 'needs-relock'].includes(e.status);

// What the result changes against HEAD (`git diff-tree -r --no-renames`), read through the run's tree reader.
function changesAgainstHead(input: NoLossInput): Promise<Map<string, Change>> {
  return withTreeReader(input.store, (reader) => diffTrees(reader, input.headTree, input.tree));
}

// A path the result adds (absent from HEAD) that exists on disk is an untracked or ignored file, or a folder with
// such files; a parent that exists as a file the result does not remove is one too.
function obstacles(root: string, changes: ReadonlyMap<string, Change>): string[] {
  const blocked = new Set<string>();
  const removed = (path: string) => changes.get(path)?.status === 'D';
  for (const [path, c] of changes) {
    if (c.status !== 'A') continue;
    const stat = lstatOrUndefined(join(root, path));
    if (stat?.isDirectory()) {
      const files = readdirSync(join(root, path), { recursive: true, withFileTypes: true }).filter(
        (d) => !d.isDirectory(),
      );
      if (files.some((d) => !removed(`${path}/${join(d.path, d.name).slice(join(root, path).length + 1)}`)))
        blocked.add(path);
    } else if (stat) blocked.add(path);
    const parts = path.split('/');
    for (let n = 1; n < parts.length; n++) {
      const parent = parts.slice(0, n).join('/');
      const s = lstatOrUndefined(join(root, parent));
      if (s && !s.isDirectory() && !removed(parent)) blocked.add(parent);
    }
  }
  return [...blocked].sort();
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function shown(paths: readonly string[]): string {
  return paths.slice(0, 5).join(', ') + (paths.length > 5 ? `, and ${paths.length - 5} more` : '');
}
