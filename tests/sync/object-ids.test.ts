// Object ids computed without git (sync/object-ids.ts) must be git's own: sync trusts them to skip writing objects the
// repository already has, and checks them against every tree git writes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { objectId, treeBody, type RawTreeEntry } from '../../sync/object-ids.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('object ids', () => {
  for (const format of ['sha1', 'sha256'] as const) {
    it(`equal git's for blobs, trees in git's name order, and commits (${format})`, () => {
      const dir = tempDir();
      const git = (args: string[], input?: Buffer | string) =>
        execFileSync('git', args, { cwd: dir, input }).toString().trim();
      git(['init', '-q', `--object-format=${format}`]);
      const blob = Buffer.from('bytes\n');
      const blobOid = git(['hash-object', '-w', '--stdin'], blob);
      expect(objectId('blob', blob, format)).toBe(blobOid);
      const empty = git(['mktree'], '');
      expect(objectId('tree', treeBody([]), format)).toBe(empty);
      // Folders sort as if their name ended in "/": "a" (folder) after "a.b" and "a-b", before "a0".
      const names = ['a0', 'a', 'a.b', 'a-b', 'B', 'b', 'é', 'x y'];
      const entries: RawTreeEntry[] = names.map((name, i) =>
        name === 'a'
          ? { mode: '040000', oid: empty, name: Buffer.from(name) }
          : { mode: i % 2 ? '100755' : '100644', oid: blobOid, name: Buffer.from(name) },
      );
      const listing = entries
        .map((e) => `${e.mode} ${e.mode === '040000' ? 'tree' : 'blob'} ${e.oid}\t${e.name.toString()}`)
        .join('\n');
      expect(objectId('tree', treeBody(entries), format)).toBe(git(['mktree', '--missing'], `${listing}\n`));
      const commit = Buffer.from(`tree ${empty}\nauthor a <a@b> 0 +0000\ncommitter a <a@b> 0 +0000\n\nm\n`);
      expect(objectId('commit', commit, format)).toBe(git(['hash-object', '-t', 'commit', '--stdin'], commit));
    });
  }
});
