// Object ids computed the way git computes them (the hash of "<type> <size>\0" and the object's bytes), so a sync can
// tell which objects the repository already has before it starts a git process to write them. Hand-written: the few
// lines of git's object format this needs are not worth a git library.
import { createHash } from 'node:crypto';

/** The id of a git object of `type` with these bytes, in the repository's hash (SHA-1: 40 hex digits, SHA-256: 64). */
export function objectId(type: 'blob' | 'tree' | 'commit', body: Buffer, format: 'sha1' | 'sha256'): string {
  return createHash(format).update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** The hash an object id is written in, by its length. */
export function formatOf(oid: string): 'sha1' | 'sha256' {
  return oid.length === 64 ? 'sha256' : 'sha1';
}

/** One entry of a tree object: git's mode ("040000" or "40000" for a folder), its id, its name's bytes. */
export interface RawTreeEntry {
  mode: string;
  oid: string;
  name: Buffer;
}

/**
 * A tree object's bytes, as `git mktree` writes them: entries in git's order (by name bytes, a folder's name compared
 * as if it ended in "/"), folders with mode "40000".
 */
export function treeBody(entries: readonly RawTreeEntry[]): Buffer {
  const isTree = (e: RawTreeEntry) => e.mode === '040000' || e.mode === '40000';
  const key = (e: RawTreeEntry) => (isTree(e) ? Buffer.concat([e.name, Buffer.from('/')]) : e.name);
  const sorted = entries.map((e) => ({ e, k: key(e) })).sort((a, b) => Buffer.compare(a.k, b.k));
  const parts: Buffer[] = [];
  for (const { e } of sorted)
    parts.push(Buffer.from(`${isTree(e) ? '40000' : e.mode} `), e.name, Buffer.from([0]), Buffer.from(e.oid, 'hex'));
  return Buffer.concat(parts);
}
