// The no-loss check on its own, fed results that drop user content: it must name each path, before anything runs.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTree, type Listing } from '../../sync/git-objects.ts';
import { checkNoLoss, DataLossError, type NoLossInput } from '../../sync/no-loss.ts';
import { tempDir } from '../helpers/tmp.ts';

function repoWith(files: Record<string, string>) {
  const dir = tempDir('detml-noloss-');
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q');
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  git('add', '-A');
  return { dir, git, tree: git('write-tree') };
}

async function input(
  dir: string,
  headTree: string,
  tree: string,
  old: Listing,
  next: Listing,
  extra: Partial<NoLossInput> = {},
): Promise<NoLossInput> {
  return {
    store: { dir, env: {} },
    headTree,
    tree,
    old,
    next,
    conflicts: new Map(),
    renames: new Map(),
    extra: [],
    plan: [],
    prefix: '',
    workTree: undefined,
    ...extra,
  };
}

describe('checkNoLoss', () => {
  it('names a user file the result drops', async () => {
    const { dir, git, tree: head } = repoWith({ 'mine.txt': 'mine\n', 'tpl.txt': 'tpl\n' });
    git('rm', '-q', '--cached', 'mine.txt');
    const result = git('write-tree');
    const old = await listTree(dir, head, ['tpl.txt']);
    const error = await checkNoLoss(await input(dir, head, result, old, old)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataLossError);
    expect((error as DataLossError).paths).toEqual(['mine.txt']);
  });

  it('names a template file the user edited whose removal the result takes', async () => {
    const { dir, git, tree: head } = repoWith({ 'tpl.txt': 'edited\n' });
    const pristine = git('hash-object', '-w', '--stdin');
    git('rm', '-q', '--cached', 'tpl.txt');
    const result = git('write-tree');
    const old: Listing = new Map([['tpl.txt', { mode: '100644', oid: pristine }]]);
    await expect(checkNoLoss(await input(dir, head, result, old, new Map()))).rejects.toThrow(
      /lose your content in tpl\.txt/,
    );
  });

  it('names a file outside the template’s paths that the result changes', async () => {
    const { dir, git, tree: head } = repoWith({ 'other.txt': 'a\n' });
    writeFileSync(join(dir, 'other.txt'), 'b\n');
    git('add', 'other.txt');
    await expect(checkNoLoss(await input(dir, head, git('write-tree'), new Map(), new Map()))).rejects.toThrow(
      /in other\.txt/,
    );
  });

  it('names a kept plan line whose path is absent from the result', async () => {
    const { dir, tree } = repoWith({ 'a.txt': 'a\n' });
    const plan = [{ path: 'ghost.txt', status: 'kept' as const, ownership: 'merged' as const, reason: 'kept' }];
    await expect(checkNoLoss(await input(dir, tree, tree, new Map(), new Map(), { plan }))).rejects.toThrow(
      /in ghost\.txt/,
    );
  });

  it('accepts a template deletion of an untouched file and a move that carries the bytes', async () => {
    const { dir, git, tree: head } = repoWith({ 'gone.txt': 'g\n', 'moved.txt': 'm\n' });
    const old = await listTree(dir, head, ['gone.txt']);
    git('mv', 'moved.txt', 'elsewhere.txt');
    git('rm', '-q', '--cached', 'gone.txt');
    await expect(checkNoLoss(await input(dir, head, git('write-tree'), old, new Map()))).resolves.toBeUndefined();
  });
});
