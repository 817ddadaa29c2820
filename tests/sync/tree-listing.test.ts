// listTree reads the files at given paths through sync's tree reader instead of `git ls-tree -r`; it must list exactly
// what git lists, and take exactly the paths git's index takes.
import { describe, expect, it } from 'vitest';
import { runGit } from '../../src/git-process.ts';
import { listTree, type Listing } from '../../sync/git-objects.ts';
import { indexAcceptsPath } from '../../sync/index-path.ts';
import { useTreeFixture } from '../helpers/tree-fixture.ts';

const fx = useTreeFixture();

describe('tree listings', () => {
  it('lists paths as git ls-tree -r does (files, folders with all they hold, gitlinks, missing paths)', async () => {
    const lsTree = async (paths: string[]): Promise<Listing> => {
      const args = ['ls-tree', '-r', '-z', '--full-tree', fx.base, '--', ...paths.map((p) => `:(literal)${p}`)];
      const listing: Listing = new Map();
      for (const record of (await runGit(fx.dir, args)).stdout.toString('utf8').split('\0')) {
        if (!record) continue;
        const tab = record.indexOf('\t');
        const [mode, type, oid] = record.slice(0, tab).split(' ') as [string, string, string];
        if (type === 'blob' || type === 'commit') listing.set(record.slice(tab + 1), { mode, oid });
      }
      return listing;
    };
    const cases = [
      ['README.md', 'f', 'run.sh', 'latest'],
      ['d'],
      ['d/two', 'd/two/deeper/e.txt', 'd/one/a.txt'],
      ['vendor/lib', 'vendor'],
      ['nothing', 'd/nothing', 'f/below-a-file', 'd/one/a.txt/x'],
      ['with space/file name.txt', 'new\nline/R leading', 'R', 'tab\there'],
      ['data', 'dd', 'same', 'copy/a', 'data/d1'],
      fx.baseFiles,
    ];
    for (const paths of cases)
      expect([...(await listTree(fx.dir, fx.base, paths))], paths.join()).toEqual([...(await lsTree(paths))]);
  });

  it('takes the same paths as git index (the rule on its own)', () => {
    expect(indexAcceptsPath('a/b c/d', 0o100644)).toBe(true);
    for (const p of ['.git', 'x/.Git/y', 'git~1', '.git ', '.git::$INDEX_ALLOCATION', 'a\\.git', '..', 'a/./b', ''])
      expect(indexAcceptsPath(p, 0o100644), p).toBe(false);
    expect(indexAcceptsPath('.gitmodules', 0o100644)).toBe(true);
    expect(indexAcceptsPath('.gitmodules', 0o120000)).toBe(false);
  });
});
