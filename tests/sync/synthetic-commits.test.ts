// The synthetic history is written in one git call with ids computed beforehand: they must be exactly the commits
// `git commit-tree` makes with the synthetic identity, in SHA-1 and SHA-256 repositories.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commitTree, writeTree } from '../../sync/git-objects.ts';
import { writeSyntheticCommits } from '../../sync/synthetic-commits.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('synthetic commits', () => {
  for (const format of ['sha1', 'sha256']) {
    it(`are the commits git commit-tree writes (${format})`, async () => {
      const dir = tempDir('detml-synthetic-');
      execFileSync('git', ['init', '-q', `--object-format=${format}`], { cwd: dir });
      const git = (args: string[], input?: string) =>
        execFileSync('git', args, { cwd: dir, input, encoding: 'utf8' }).trim();
      const blob = git(['hash-object', '-w', '--stdin'], 'x\n');
      const [a, b] = await Promise.all(
        ['a', 'b'].map((name) => writeTree(dir, new Map([[name, { mode: '100644', oid: blob }]]))),
      );
      const [o, u, n] = await writeSyntheticCommits(dir, [
        { tree: a!, parents: [], message: 'old render' },
        { tree: b!, parents: [0], message: 'yours' },
        { tree: a!, parents: [0, 1], message: 'two parents' },
      ]);
      const expectedO = await commitTree(dir, a!, [], 'old render', 'synthetic');
      expect(o).toBe(expectedO);
      expect(u).toBe(await commitTree(dir, b!, [expectedO], 'yours', 'synthetic'));
      expect(n).toBe(await commitTree(dir, a!, [expectedO, u!], 'two parents', 'synthetic'));
      for (const id of [o, u, n]) expect(git(['cat-file', '-t', id!])).toBe('commit');
      expect(git(['rev-parse', `${n}^2`])).toBe(u);
    });
  }
});
