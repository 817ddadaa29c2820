import { runGit } from '../src/git.ts';
import type { Ownership } from '../src/templates/manifest.ts';
import type { RenderedTree } from '../src/templates/render.ts';
import { commitTree, listTree, readBlobs, writeBlobs, writeTree, type Entry, type Listing } from './git-objects.ts';
import { mergeTrees, type Stage } from './merge-trees.ts';
import { applyPolicy, type PlanEntry } from './policy.ts';

/** Inputs of the three-way sync merge. */
export interface ThreeWayInput {
  dir: string;
  prefix: string;
  headTree: string;
  old: RenderedTree;
  next: RenderedTree;
  moves: ReadonlyMap<string, string>;
  ownership: (path: string) => Ownership;
  lockfiles: ReadonlyMap<string, string>;
  labels: { yours: string; old: string; next: string };
  /** Extra files written into the result (the new state file), by project-relative path. */
  extra: ReadonlyMap<string, Buffer>;
}

/** The merged result as a tree object, with its plan and the conflicts left for the user. */
export interface ThreeWayResult {
  tree: string;
  plan: PlanEntry[];
  conflicts: Map<string, Stage[]>;
}

/**
 * Merges the template's change (old render -> new render) into the user's HEAD with git's own merge, on a synthetic
 * history whose merge base is the old render, then applies the ownership policy. Only objects are written; refs,
 * index and work tree stay as they are, so an interruption changes nothing the user can see.
 */
export async function threeWayMerge(input: ThreeWayInput): Promise<ThreeWayResult> {
  const { dir, prefix } = input;
  const all = [...input.old, ...input.next];
  const extra = [...input.extra];
  // One fast-import for every blob we know up front: both renders and the extra files.
  const oids = await writeBlobs(dir, [...all.map((f) => f.contents), ...extra.map(([, contents]) => contents)]);
  const entryOf = (i: number): Entry => ({ mode: all[i]!.mode === 0o755 ? '100755' : '100644', oid: oids[i]! });
  const moved = (path: string) => input.moves.get(path) ?? path;
  const oldEntries = new Map(input.old.map((f, i) => [prefix + moved(f.path), entryOf(i)]));
  const nextEntries = new Map(input.next.map((f, i) => [prefix + f.path, entryOf(input.old.length + i)]));

  // 1. Trees and a synthetic history: O (old render) is the merge base of U (yours) and N (new render).
  const yoursTree = input.moves.size ? await writeTree(dir, await moveEntries(dir, input.headTree, prefix, input.moves), input.headTree) : input.headTree;
  const [oldTree, nextTree] = await Promise.all([writeTree(dir, oldEntries), writeTree(dir, nextEntries)]);
  const o = await commitTree(dir, oldTree, [], 'old render', 'synthetic');
  const [u, n] = await Promise.all([commitTree(dir, yoursTree, [o], 'yours', 'synthetic'), commitTree(dir, nextTree, [o], 'new render', 'synthetic')]);

  // 2. git's merge, and the template's own renames for the plan's explanations.
  const [merge, renames] = await Promise.all([mergeTrees(dir, u, n), templateRenames(dir, oldTree, nextTree)]);
  const paths = [...new Set([...oldEntries.keys(), ...nextEntries.keys(), ...merge.conflicts.keys()])];
  const [yours, merged] = await Promise.all([listTree(dir, yoursTree, paths), listTree(dir, merge.tree, paths)]);
  const stageBlobs = await readBlobs(dir, [...merge.conflicts.values()].flat().map((s) => s.oid));

  // 3. Ownership policy over git's result.
  const decision = applyPolicy({
    old: oldEntries,
    next: nextEntries,
    yours,
    merged,
    conflicts: merge.conflicts,
    renames,
    ownership: (path) => input.ownership(path.slice(prefix.length)),
    lockfiles: new Map([...input.lockfiles].map(([lock, manifest]) => [prefix + lock, prefix + manifest])),
    isBinary: (oid) => (stageBlobs.get(oid) ?? Buffer.alloc(0)).subarray(0, 8000).includes(0),
  });

  // 4. The final tree: git's merge, the policy's overrides, readable conflict labels, the extra files.
  const overrides = new Map(decision.overrides);
  await relabelConflicts(dir, merged, decision.conflicts, overrides, { [u]: input.labels.yours, [n]: input.labels.next, [o]: input.labels.old });
  extra.forEach(([path], i) => overrides.set(prefix + path, { mode: '100644', oid: oids[all.length + i]! }));
  const tree = await writeTree(dir, overrides, merge.tree);
  const plan = decision.plan.map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
  return { tree, plan, conflicts: decision.conflicts };
}

async function moveEntries(dir: string, headTree: string, prefix: string, moves: ReadonlyMap<string, string>): Promise<Map<string, Entry | null>> {
  const current = await listTree(dir, headTree, [...moves.keys()].map((p) => prefix + p));
  const out = new Map<string, Entry | null>();
  for (const [from, to] of moves) {
    const entry = current.get(prefix + from);
    if (!entry) continue;
    out.set(prefix + from, null);
    out.set(prefix + to, entry);
  }
  return out;
}

async function templateRenames(dir: string, oldTree: string, nextTree: string): Promise<Map<string, string>> {
  const out = (await runGit(dir, ['diff-tree', '-r', '-M', '-z', '--name-status', oldTree, nextTree])).stdout.toString('utf8').split('\0');
  const renames = new Map<string, string>();
  for (let i = 0; i < out.length; i++) {
    if (out[i]?.startsWith('R')) {
      renames.set(out[i + 1]!, out[i + 2]!);
      i += 2;
    }
  }
  return renames;
}

// git labels conflict sides with the synthetic commit ids; users should read "yours" and the template versions.
async function relabelConflicts(
  dir: string,
  merged: Listing,
  conflicts: ReadonlyMap<string, Stage[]>,
  overrides: Map<string, Entry | null>,
  labels: Record<string, string>,
): Promise<void> {
  const paths = [...conflicts.keys()].filter((p) => merged.has(p));
  const blobs = await readBlobs(dir, paths.map((p) => merged.get(p)!.oid));
  const rewritten = paths.map((p) => {
    let text = blobs.get(merged.get(p)!.oid)!.toString('utf8');
    for (const [oid, label] of Object.entries(labels)) text = text.replace(new RegExp(`^(<{7}|\\|{7}|>{7}) ${oid}(:.*)?$`, 'gm'), `$1 ${label}$2`);
    return Buffer.from(text, 'utf8');
  });
  const oids = await writeBlobs(dir, rewritten);
  paths.forEach((p, i) => overrides.set(p, { mode: merged.get(p)!.mode, oid: oids[i]! }));
}
