import type { Ownership } from '../src/templates/manifest.ts';
import { compareBytes } from '../src/templates/render.ts';
import type { Entry, Listing } from './git-objects.ts';
import type { Stage } from './merge-trees.ts';

/** What sync did, or would do, to one path. */
export type FileStatus = 'applied' | 'merged' | 'conflicted' | 'skipped' | 'deleted' | 'kept' | 'needs-relock';

/** One line of the sync plan. */
export interface PlanEntry {
  path: string;
  status: FileStatus;
  ownership: Ownership;
  reason: string;
}

/** Everything the policy looks at; all listings are restricted to the paths the template touches. */
export interface PolicyInput {
  /** The old render (O), the new render (N), the user's HEAD (U) and git's merge of the three (M). */
  old: Listing;
  next: Listing;
  yours: Listing;
  merged: Listing;
  conflicts: ReadonlyMap<string, Stage[]>;
  /** Template renames between the renders: old path -> new path. */
  renames: ReadonlyMap<string, string>;
  ownership: (path: string) => Ownership;
  /** Lockfile path -> the manifest it is derived from (e.g. package-lock.json -> package.json). */
  lockfiles: ReadonlyMap<string, string>;
  isBinary: (oid: string) => boolean;
}

/** The policy's decision: the plan, the entries to change on top of git's merge, and the conflicts that remain. */
export interface PolicyResult {
  plan: PlanEntry[];
  overrides: Map<string, Entry | null>;
  conflicts: Map<string, Stage[]>;
}

const same = (a: Entry | undefined, b: Entry | undefined) => a?.oid === b?.oid && a?.mode === b?.mode;

/**
 * Applies ownership on top of git's three-way merge: `owned` files become the new render, `seeded` files stay
 * the user's, lockfiles are never text-merged, and for `merged` files git's result stands except where losing
 * the user's work would be the only other outcome (their deletions, their edits to files the template removed,
 * binaries both sides changed). Pure, so every case is unit-testable without git.
 */
export function applyPolicy(input: PolicyInput): PolicyResult {
  const paths = new Set([...input.old.keys(), ...input.next.keys(), ...input.conflicts.keys(), ...input.merged.keys()]);
  const result: PolicyResult = { plan: [], overrides: new Map(), conflicts: new Map() };
  for (const path of [...paths].sort(compareBytes)) {
    const ownership = input.ownership(path);
    const decide =
      ownership === 'seeded' ? seeded : ownership === 'owned' ? owned : input.lockfiles.has(path) ? lockfile : merged;
    const decision = decide(path, input);
    if (decision.result !== 'merge') {
      const target = decision.result;
      if (!same(target ?? undefined, input.merged.get(path)) || input.conflicts.has(path))
        result.overrides.set(path, target);
    } else if (input.conflicts.has(path)) {
      result.conflicts.set(path, input.conflicts.get(path) as Stage[]);
    }
    if (decision.status) result.plan.push({ path, status: decision.status, ownership, reason: decision.reason });
  }
  return result;
}

interface Decision {
  /** The entry the path must end with (null: absent), or 'merge' to keep git's result. */
  result: Entry | null | 'merge';
  status?: FileStatus;
  reason: string;
}

function seeded(path: string, i: PolicyInput): Decision {
  const [o, n, u] = [i.old.get(path), i.next.get(path), i.yours.get(path)];
  if (!o && n && !u)
    return { result: n, status: 'applied', reason: 'new seeded file: written once, never updated again' };
  if (!same(o, n))
    return {
      result: u ?? null,
      status: 'skipped',
      reason: 'seeded file: it is yours after create; sync never changes it',
    };
  return { result: u ?? null, reason: '' };
}

function owned(path: string, i: PolicyInput): Decision {
  const [o, n, u] = [i.old.get(path), i.next.get(path), i.yours.get(path)];
  if (same(u, n)) return { result: n ?? null, reason: '' };
  const edited = u !== undefined && !same(u, o);
  // Removing a file the user changed would drop their work: owned or not, it stays.
  if (!n)
    return edited
      ? { result: u, status: 'kept', reason: 'removed by the template, but you edited it: kept' }
      : { result: null, status: 'deleted', reason: 'removed by the template' };
  if (!u && o) return { result: n, status: 'applied', reason: 'owned by the template: restored' };
  return {
    result: n,
    status: 'applied',
    reason: edited
      ? 'owned by the template: your edits were replaced (they remain in git history)'
      : !o
        ? 'added by the template'
        : 'template change',
  };
}

function lockfile(path: string, i: PolicyInput): Decision {
  const [o, n, u] = [i.old.get(path), i.next.get(path), i.yours.get(path)];
  if (same(o, n) || same(u, n)) return { result: u ?? null, reason: '' };
  const manifest = i.lockfiles.get(path) as string;
  const manifestIsTemplates = same(i.merged.get(manifest), i.next.get(manifest)) && !i.conflicts.has(manifest);
  if (same(u, o) && manifestIsTemplates)
    return { result: n ?? null, status: 'applied', reason: 'lockfile of the new template (your manifest matches it)' };
  return {
    result: u ?? null,
    status: 'needs-relock',
    reason: `lockfiles are never text-merged: regenerate it from the merged ${manifest} (e.g. npm install) and commit`,
  };
}

function merged(path: string, i: PolicyInput): Decision {
  const [o, n, u, m] = [i.old.get(path), i.next.get(path), i.yours.get(path), i.merged.get(path)];
  const stages = i.conflicts.get(path);
  if (stages) {
    const ours = stages.find((s) => s.stage === 2);
    const theirs = stages.find((s) => s.stage === 3);
    // git parks one side of a file/submodule/folder clash at "path~<commit>": that is the template's file, unplaced.
    if (!ours && !o && !n)
      return {
        result: null,
        status: 'skipped',
        reason: "the template's file clashes with something of yours of another type: not applied",
      };
    if (!ours)
      return { result: null, status: 'skipped', reason: 'you deleted it and the template changed it: left deleted' };
    if (u?.mode === '160000')
      return {
        result: u,
        status: 'kept',
        reason: "your submodule stays; the template's file for this path was not applied",
      };
    // git may have carried the user's file here along a template directory rename: the stage holds their bytes.
    if (!theirs)
      return {
        result: u ?? { mode: ours.mode, oid: ours.oid },
        status: 'kept',
        reason: u
          ? 'the template removed it, but you edited it: kept'
          : "your file, moved along with the template's directory rename",
      };
    if (stages.some((s) => i.isBinary(s.oid))) {
      return {
        result: u ?? null,
        status: 'kept',
        reason: `binary file changed on both sides: yours kept (the template's is blob ${theirs.oid.slice(0, 12)})`,
      };
    }
    return {
      result: 'merge',
      status: 'conflicted',
      reason: 'you and the template changed the same lines: resolve the conflict markers',
    };
  }
  if (same(m, u)) return { result: 'merge', reason: '' };
  // git merges any file without a NUL line by line; a binary both sides changed must never come out spliced.
  if (o && n && u && !same(u, o) && !same(n, o) && !same(m, n) && (i.isBinary(u.oid) || i.isBinary(n.oid))) {
    return {
      result: u,
      status: 'kept',
      reason: `binary file changed on both sides: yours kept (the template's is blob ${n.oid.slice(0, 12)})`,
    };
  }
  if (!m) {
    const to = i.renames.get(path);
    const edits = same(u, o) ? '' : '; your edits moved with it';
    return {
      result: 'merge',
      status: 'deleted',
      reason: to ? `moved to ${to} by the template${edits}` : 'removed by the template',
    };
  }
  const from = [...i.renames].find(([, to]) => to === path)?.[0];
  if (!u)
    return {
      result: 'merge',
      status: same(m, n) ? 'applied' : 'merged',
      reason: from
        ? `renamed from ${from} by the template${same(m, n) ? '' : ', with your edits'}`
        : 'added by the template',
    };
  if (same(m, n))
    return {
      result: 'merge',
      status: 'applied',
      reason: o ? 'template change' : 'added by the template (same as yours apart from mode)',
    };
  return {
    result: 'merge',
    status: 'merged',
    reason: o ? 'your edits and the template change combined' : 'added by you and the template: merged',
  };
}
