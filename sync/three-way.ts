import { UserError } from '../src/errors.ts';
import { runGit } from '../src/git-process.ts';
import type { Ownership } from '../src/templates/manifest.ts';
import { compareBytes, type RenderedFile, type RenderedTree } from '../src/templates/render.ts';
import { looksBinary } from '../src/templates/binary.ts';
import { inUserEol, relabelMarkers } from './bytes.ts';
import {
  listTree,
  readBlobs,
  sha1BlobId,
  storeOf,
  writeBlobs,
  writeTree,
  type Entry,
  type Listing,
  type ObjectStore,
} from './git-objects.ts';
import { mergeTrees, type Stage } from './merge-trees.ts';
import { applyPolicy, type PlanEntry } from './policy.ts';
import { blobSourceOf, writeMergeInputs } from './merge-inputs.ts';

/** Inputs of the three-way sync merge. */
export interface ThreeWayInput {
  store: ObjectStore;
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

/** The merged result as a tree object, with its plan, the conflicts left for the user and what the checks need. */
export interface ThreeWayResult {
  tree: string;
  plan: PlanEntry[];
  conflicts: Map<string, Stage[]>;
  /** Repository-relative listings of both renders, the template's renames and the migrations' moves. */
  old: Listing;
  next: Listing;
  renames: Map<string, string>;
  moves: Map<string, string>;
}

const GITLINK = '160000';

/**
 * Merges the template's change (old render -> new render) into the user's HEAD with git's own merge, on a synthetic
 * history whose merge base is the old render, then applies the ownership policy. Only objects are written; refs,
 * index and work tree stay as they are, so an interruption changes nothing the user can see.
 */
export async function threeWayMerge(input: ThreeWayInput): Promise<ThreeWayResult> {
  const { store, prefix } = input;
  const moves = new Map([...input.moves].map(([from, to]) => [prefix + from, prefix + to]));
  const oldPath = (path: string) => prefix + (input.moves.get(path) ?? path);
  const templatePaths = [
    ...new Set([...input.old.map((f) => oldPath(f.path)), ...input.next.map((f) => prefix + f.path)]),
  ];

  // 1. The user's side at the template's paths (after the migrations' moves), read before any blob is written so
  //    the renders can follow the user's line endings.
  const moved = moves.size ? await moveEntries(store, input.headTree, moves) : new Map<string, Entry | null>();
  const yoursTree = moved.size ? await writeTree(store, moved, input.headTree) : input.headTree;
  const yoursAtTemplate = await listTree(store, yoursTree, templatePaths);
  const renderIds = new Set([...input.old, ...input.next].map((f) => sha1BlobId(blobSourceOf(f))));
  // The user's bytes only serve to follow their line endings in text renders and to tell binaries apart, so where
  // every render is binary (a model they replaced) they are never loaded: their file counts as binary like the
  // template's there, which is all the policy asks.
  const textAt = new Set([
    ...input.old.filter((f) => !isBinaryRender(f)).map((f) => oldPath(f.path)),
    ...input.next.filter((f) => !isBinaryRender(f)).map((f) => prefix + f.path),
  ]);
  const edited = [...yoursAtTemplate].filter(([, e]) => e.mode !== GITLINK && !renderIds.has(e.oid));
  const binary = new Set(edited.filter(([path]) => !textAt.has(path)).map(([, e]) => e.oid));
  const yoursBlobs = await readBlobs(
    store,
    edited.filter(([path]) => textAt.has(path)).map(([, e]) => e.oid),
  );
  const yoursBytes = (path: string) => yoursBlobs.get(yoursAtTemplate.get(path)?.oid ?? '');
  // A streamed render (a large binary) stays a reference to its template file: git reads it from there.
  const atPath = (f: RenderedFile, path: string): RenderedFile =>
    'contents' in f ? { ...f, path, contents: inUserEol(f.contents, yoursBytes(path)) } : { ...f, path };
  const old = input.old.map((f) => atPath(f, oldPath(f.path)));
  const next = input.next.map((f) => atPath(f, prefix + f.path));

  // 2. The merge's inputs: blobs, render trees and the synthetic history O, U, N (merge-inputs.ts).
  const all = [...old, ...next];
  const extra = [...input.extra];
  // The blobs of your HEAD at the template's paths exist: an unchanged model is found among them without asking git.
  const present = new Set([...yoursAtTemplate.values()].filter((e) => e.mode !== GITLINK).map((e) => e.oid));
  const { oids, oldEntries, nextEntries, oldTree, nextTree, history } = await writeMergeInputs(store, {
    old,
    next,
    extra: extra.map(([, contents]) => contents),
    present,
    headTree: input.headTree,
    yoursTree,
  });
  const { o, u, n } = history;
  all.forEach((f, i) => isBinaryRender(f) && binary.add(oids[i]!));
  for (const [oid, data] of yoursBlobs) if (looksBinary(data)) binary.add(oid);

  // 3. git's merge, and the template's own renames for the plan's explanations.
  // git pairs a rename from a path the new render drops with one it adds: without both, there is none to ask for.
  const mayRename =
    [...oldEntries.keys()].some((p) => !nextEntries.has(p)) && [...nextEntries.keys()].some((p) => !oldEntries.has(p));
  const [merge, renames] = await Promise.all([
    mergeTrees(store, u, n),
    mayRename ? templateRenames(store, oldTree, nextTree) : new Map<string, string>(),
  ]);
  const paths = [...new Set([...templatePaths, ...merge.conflicts.keys()])];
  const extraPaths = paths.filter((p) => !yoursAtTemplate.has(p) && merge.conflicts.has(p));
  const [yoursExtra, merged] = await Promise.all([
    listTree(store, yoursTree, extraPaths),
    listTree(store, merge.tree, paths),
  ]);
  const yours = new Map([...yoursAtTemplate, ...yoursExtra]);
  const stageBlobs = await readBlobs(
    store,
    [...merge.conflicts.values()]
      .flat()
      .filter((s) => s.mode !== GITLINK && !binary.has(s.oid))
      .map((s) => s.oid),
  );
  for (const [oid, data] of stageBlobs) if (looksBinary(data)) binary.add(oid);

  // 4. Ownership policy over git's result.
  const decision = applyPolicy({
    old: oldEntries,
    next: nextEntries,
    yours,
    merged,
    conflicts: merge.conflicts,
    renames,
    ownership: (path) => input.ownership(path.slice(prefix.length)),
    lockfiles: new Map([...input.lockfiles].map(([lock, manifest]) => [prefix + lock, prefix + manifest])),
    isBinary: (oid) => binary.has(oid),
  });

  // 5. The final tree: git's merge, the policy's overrides, readable conflict labels, the extra files.
  const overrides = new Map(decision.overrides);
  const labels = new Map([
    [u, input.labels.yours],
    [n, input.labels.next],
    [o, input.labels.old],
  ]);
  await relabelConflicts(store, merged, decision.conflicts, overrides, labels);
  extra.forEach(([path], i) => overrides.set(prefix + path, { mode: '100644', oid: oids[all.length + i]! }));
  const tree = await writeTree(store, overrides, merge.tree);
  const plan = [...decision.plan, ...movePlan(moves, moved, decision.plan)]
    .sort((a, b) => compareBytes(a.path, b.path))
    .map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
  return { tree, plan, conflicts: decision.conflicts, old: oldEntries, next: nextEntries, renames, moves };
}

function isBinaryRender(f: RenderedFile): boolean {
  return !('contents' in f) || looksBinary(f.contents);
}

// A migration's move carries the user's file to its new path; a path the user already uses there is never replaced.
async function moveEntries(
  store: ObjectStore,
  headTree: string,
  moves: ReadonlyMap<string, string>,
): Promise<Map<string, Entry | null>> {
  const current = await listTree(store, headTree, [...moves.keys(), ...moves.values()]);
  const out = new Map<string, Entry | null>();
  for (const [from, to] of moves) {
    const entry = current.get(from);
    if (!entry) continue;
    if (current.has(to) && !moves.has(to)) {
      throw new UserError(
        `The template moves ${from} to ${to}, but ${to} already exists in your project; rename or remove one of them, commit, then run sync again. Nothing was changed.`,
      );
    }
    out.set(from, out.get(from) ?? null);
    out.set(to, entry);
  }
  return out;
}

// The migrations' moves happen before the merge, so the policy never sees them: the plan says so itself.
function movePlan(
  moves: ReadonlyMap<string, string>,
  moved: ReadonlyMap<string, Entry | null>,
  plan: readonly PlanEntry[],
): PlanEntry[] {
  const listed = new Set(plan.map((e) => e.path));
  const out: PlanEntry[] = [];
  for (const [from, to] of moves) {
    if (!moved.has(from) || !moved.get(to)) continue;
    if (!listed.has(from))
      out.push({
        path: from,
        status: 'deleted',
        ownership: 'merged',
        reason: `moved to ${to} by a template migration`,
      });
    if (!listed.has(to))
      out.push({
        path: to,
        status: 'applied',
        ownership: 'merged',
        reason: `moved here from ${from} by a template migration`,
      });
  }
  return out;
}

/** The template's renames between two trees (old path -> new path), from `diff-tree -M -z --name-status`. */
export async function templateRenames(
  repo: ObjectStore | string,
  oldTree: string,
  nextTree: string,
): Promise<Map<string, string>> {
  const { dir, env } = storeOf(repo);
  const fields = (
    await runGit(dir, ['diff-tree', '-r', '-M', '-z', '--name-status', oldTree, nextTree], { env })
  ).stdout
    .toString('utf8')
    .split('\0');
  const renames = new Map<string, string>();
  // Records are "status\0path\0", or "status\0from\0to\0" for renames and copies: walk them record by record so a
  // path that begins with R is never read as a status letter.
  for (let i = 0; i < fields.length - 1;) {
    const status = fields[i] ?? '';
    const twoPaths = status.startsWith('R') || status.startsWith('C');
    if (status.startsWith('R')) renames.set(fields[i + 1]!, fields[i + 2]!);
    i += twoPaths ? 3 : 2;
  }
  return renames;
}

// git labels conflict sides with the synthetic commit ids; users should read "your HEAD" and the template versions.
async function relabelConflicts(
  store: ObjectStore,
  merged: Listing,
  conflicts: ReadonlyMap<string, Stage[]>,
  overrides: Map<string, Entry | null>,
  labels: ReadonlyMap<string, string>,
): Promise<void> {
  const paths = [...conflicts.keys()].filter(
    (p) => merged.has(p) && merged.get(p)!.mode !== GITLINK && !overrides.has(p),
  );
  const blobs = await readBlobs(
    store,
    paths.map((p) => merged.get(p)!.oid),
  );
  const rewritten = paths.map((p) => relabelMarkers(blobs.get(merged.get(p)!.oid)!, labels));
  const oids = await writeBlobs(store, rewritten);
  paths.forEach((p, i) => overrides.set(p, { mode: merged.get(p)!.mode, oid: oids[i]! }));
}
