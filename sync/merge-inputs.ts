// What git's merge runs on (three-way.ts): every blob known up front (both renders and the extra files), the two
// render trees, and a synthetic history in which O (the old render) is the merge base of U (yours) and N (the new
// render). Their ids are computed first where every blob's can be, so the three writes (one git process each, only for
// what the repository lacks) run side by side and each id git returns is checked against ours; a SHA-256
// repository's large binaries, whose remembered digests are SHA-1, are written first instead.
import { UserError } from '../src/errors.ts';
import type { RenderedFile } from '../src/templates/render.ts';
import { sha1BlobId, writeBlobs, writeTrees, type BlobSource, type Entry, type ObjectStore } from './git-objects.ts';
import { formatOf, objectId } from './object-ids.ts';
import { writeSyntheticCommits } from './synthetic-commits.ts';
import { newTreeIds } from './tree-edit.ts';

/** The renders at their repository paths, the extra files' bytes, and what the repository is known to have. */
export interface MergeInputsSpec {
  old: readonly RenderedFile[];
  next: readonly RenderedFile[];
  extra: readonly Buffer[];
  /** Blob ids the repository has (your HEAD's at the template's paths): never asked about, never written. */
  present: ReadonlySet<string>;
  headTree: string;
  yoursTree: string;
}

/** The written inputs: each blob's id (renders, then extras), both render trees by path, and O, U, N. */
export interface MergeInputs {
  oids: string[];
  oldEntries: Map<string, Entry>;
  nextEntries: Map<string, Entry>;
  oldTree: string;
  nextTree: string;
  history: { o: string; u: string; n: string };
}

/** The blob a render is written as: its bytes, or for a streamed large binary the template file git reads itself. */
export function blobSourceOf(f: RenderedFile): BlobSource {
  return 'contents' in f ? f.contents : { file: f.source, size: f.size };
}

/** Writes the blobs, render trees and synthetic history a merge needs (what the repository lacks of them). */
export async function writeMergeInputs(store: ObjectStore, spec: MergeInputsSpec): Promise<MergeInputs> {
  const all = [...spec.old, ...spec.next];
  const contents = [...all.map(blobSourceOf), ...spec.extra];
  const format = formatOf(spec.headTree);
  const computed = computedBlobIds(contents, format);
  const writingBlobs = writeBlobs(store, contents, spec.present);
  writingBlobs.catch(() => {}); // awaited below
  const oids = computed ?? (await writingBlobs);
  const entryOf = (i: number): Entry => ({ mode: all[i]!.mode === 0o755 ? '100755' : '100644', oid: oids[i]! });
  const oldEntries = new Map(spec.old.map((f, i) => [f.path, entryOf(i)]));
  const nextEntries = new Map(spec.next.map((f, i) => [f.path, entryOf(spec.old.length + i)]));
  const trees = [oldEntries, nextEntries];
  const [oldTree, nextTree] = (computed ? newTreeIds(trees, format) : await writeTrees(store, trees)) as [
    string,
    string,
  ];
  const [written, , [o, u, n]] = await Promise.all([
    writingBlobs,
    // Written before its blobs may be: `--missing` (the ids are ours, and each must come back as computed).
    computed ? writeTrees(store, trees, { missing: true }) : undefined,
    writeSyntheticCommits(store, [
      { tree: oldTree, parents: [], message: 'old render' },
      { tree: spec.yoursTree, parents: [0], message: 'yours' },
      { tree: nextTree, parents: [0], message: 'new render' },
    ]) as Promise<[string, string, string]>,
  ]);
  // Only a template file changed while sync read it (a large binary is read by git itself) gives git other bytes.
  const changed = written.findIndex((oid, i) => oid !== oids[i]);
  if (changed >= 0) {
    const f = all[changed];
    throw new UserError(
      `${f && !('contents' in f) ? f.source : 'A template file'} changed while sync was reading it; nothing was changed, run sync again.`,
    );
  }
  return { oids, oldEntries, nextEntries, oldTree, nextTree, history: { o, u, n } };
}

// The ids of blobs to write, where all can be computed here: a large binary's are its remembered SHA-1 digests.
function computedBlobIds(contents: readonly BlobSource[], format: 'sha1' | 'sha256'): string[] | undefined {
  if (format === 'sha1') return contents.map(sha1BlobId);
  if (contents.some((c) => !Buffer.isBuffer(c))) return undefined;
  return contents.map((c) => objectId('blob', c as Buffer, format));
}
