// writeTree edits a tree without an index (sync/tree-edit.ts). Tree ids must be exactly those of the index-based way
// it replaced (a throwaway index: read-tree, update-index --index-info, write-tree), kept here as the reference and
// run against the same real repository for every edit pattern, including the ones git refuses.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTree, type Entry } from '../../sync/git-objects.ts';
import { tempDir } from '../helpers/tmp.ts';
import { readGitTrace } from '../helpers/git-trace.ts';
import { indexWriteTree, outcome, useTreeFixture, type Edits } from '../helpers/tree-fixture.ts';

const fx = useTreeFixture();
const { blob, exec, link, gitlink } = fx;

const patterns: [string, () => Edits][] = [
  [
    'adds in new deep folders',
    () =>
      new Map([
        ['new/deep/er/x.txt', blob[0]!],
        ['new/top.txt', blob[1]!],
      ]),
  ],
  ['a change in place', () => new Map([['d/two/deeper/e.txt', blob[0]!]])],
  [
    'deletes that empty a folder',
    () =>
      new Map([
        ['d/one/a.txt', null],
        ['d/one/b.txt', null],
      ]),
  ],
  [
    'deletes that empty a folder and its parent',
    () =>
      new Map([
        ['dd/x', null],
        ['dd/y/z', null],
      ]),
  ],
  ['a delete beside the non-UTF-8 name and the empty subtree', () => new Map([['d/two/c.txt', null]])],
  [
    'file -> folder (delete first)',
    () =>
      new Map<string, Entry | null>([
        ['f', null],
        ['f/inner', blob[2]!],
      ]),
  ],
  ['file -> folder without deleting the file', () => new Map([['f/inner', blob[2]!]])],
  [
    'file -> folder, delete after the add',
    () =>
      new Map<string, Entry | null>([
        ['f/inner', blob[2]!],
        ['f', null],
      ]),
  ],
  [
    'folder -> file (its files deleted first)',
    () =>
      new Map<string, Entry | null>([
        ['dd/x', null],
        ['dd/y/z', null],
        ['dd', blob[3]!],
      ]),
  ],
  [
    'folder -> file while it still has files',
    () =>
      new Map<string, Entry | null>([
        ['dd/x', null],
        ['dd', blob[3]!],
      ]),
  ],
  [
    'a gitlink added, one replaced, one removed',
    () =>
      new Map<string, Entry | null>([
        ['sub', gitlink],
        ['vendor/lib', { mode: '160000', oid: 'a'.repeat(40) }],
        ['x', null],
      ]),
  ],
  ['a gitlink removed', () => new Map([['vendor/lib', null]])],
  [
    'a gitlink becomes a folder',
    () =>
      new Map<string, Entry | null>([
        ['vendor/lib', null],
        ['vendor/lib/file', blob[1]!],
      ]),
  ],
  ['a file becomes a gitlink', () => new Map([['f', gitlink]])],
  [
    'modes: executable, symlink, canonical 100664',
    () =>
      new Map([
        ['README.md', exec(blob[0]!.oid)],
        ['run.sh', blob[5]!],
        ['latest', link(blob[1]!.oid)],
        ['g', { mode: '100664', oid: blob[2]!.oid }],
      ]),
  ],
  [
    'names with spaces, newlines, tabs, a leading R and unicode',
    () =>
      new Map<string, Entry | null>([
        ['with space/another one', blob[0]!],
        ['new\nline/R leading', null],
        ['R/Rename.txt', blob[0]!],
        ['R', null],
        ['tab\there/ü ñ 日本.txt', null],
        ['Ä/ß/\u00e9\u0301', blob[1]!],
      ]),
  ],
  [
    'deleting what is not there, and a folder path',
    () =>
      new Map([
        ['nothing/here', null],
        ['d', null],
        ['d/one', null],
      ]),
  ],
  [
    'paths git refuses',
    () =>
      new Map<string, Entry | null>([
        ['.git/hooks/pre-commit', exec(blob[0]!.oid)],
        ['a/.GIT/x', blob[0]!],
        ['git~1/x', blob[0]!],
        ['x/.git. /y', blob[0]!],
        ['a\\.git\\b', blob[0]!],
        ['.git:x', blob[0]!],
        ['a/../b', blob[0]!],
        ['./c', blob[0]!],
        ['a//b', blob[0]!],
        ['/abs', blob[0]!],
        ['trail/', blob[0]!],
        ['', blob[0]!],
        ['.gitmodules', link(blob[0]!.oid)],
        ['m/gitmod~1', link(blob[0]!.oid)],
        ['m/gi7eba~9', link(blob[0]!.oid)],
        ['.gitmodules.', link(blob[0]!.oid)],
        ['f', null],
      ]),
  ],
  [
    'paths git takes despite looking close',
    () =>
      new Map<string, Entry | null>([
        ['.gitmodules', blob[0]!],
        ['.gitx', blob[0]!],
        ['x.git', blob[0]!],
        ['.github/workflows/ci.yml', blob[0]!],
        ['git~2', blob[0]!],
        ['\\.git', blob[0]!],
        ['gitmod~5', link(blob[0]!.oid)],
        ['..x', blob[0]!],
        ['a\\b', blob[0]!],
      ]),
  ],
  ['every file deleted', () => new Map(fx.baseFiles.map((p) => [p, null]))],
  ['no edits', () => new Map()],
];

describe('writeTree without an index', () => {
  for (const [name, edits] of patterns) {
    it(`gives the index's tree id: ${name}`, async () => {
      const e = edits();
      for (const b of [fx.base, undefined]) {
        const expected = await outcome(() => indexWriteTree(fx.dir, e, b));
        expect(await outcome(() => writeTree(fx.dir, e, b))).toBe(expected);
      }
    });
  }

  it('gives the index tree id for random edit sequences (folder/file replacements, refused paths)', async () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const names = [
      'a',
      'b',
      'a/b',
      'a/c',
      'a/b/c',
      'b/a',
      'd/one',
      'd/one/a.txt',
      'd/two/deeper',
      'dd',
      'dd/y',
      'f',
      'f/g',
      'vendor/lib',
      'vendor/lib/x',
      'd',
      'd/empty',
      'd/empty/x',
      'd/two',
      '.git/x',
      'a/../b',
      'R',
    ];
    const values = [null, null, blob[0]!, blob[1]!, exec(blob[2]!.oid), link(blob[3]!.oid), gitlink];
    for (let round = 0; round < 150; round++) {
      const edits: Edits = new Map();
      for (let i = 1 + rand(5); i > 0; i--) edits.set(names[rand(names.length)]!, values[rand(values.length)]!);
      const b = rand(4) ? fx.base : undefined;
      const expected = await outcome(() => indexWriteTree(fx.dir, edits, b));
      expect(await outcome(() => writeTree(fx.dir, edits, b)), JSON.stringify([...edits])).toBe(expected);
    }
  }, 120_000);

  it('works in a SHA-256 repository (where the index way could not even delete: its zero id has 40 digits)', async () => {
    const repo = tempDir('detml-tree-edit-256-');
    execFileSync('git', ['init', '-q', '--object-format=sha256', repo]);
    const oid = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: 'x\n' }).toString().trim();
    const file = { mode: '100644', oid };
    const start = await indexWriteTree(
      repo,
      new Map([
        ['a/b/c', file],
        ['a/d', file],
        ['e', file],
      ]),
    );
    const adds: Edits = new Map([
      ['a/x/y', file],
      ['f', file],
    ]);
    expect(await writeTree(repo, adds, start)).toBe(await indexWriteTree(repo, adds, start));
    const tree = await writeTree(
      repo,
      new Map<string, Entry | null>([
        ['a/b/c', null],
        ['e', null],
        ['f', file],
      ]),
      start,
    );
    const files = execFileSync('git', ['ls-tree', '-r', '--name-only', tree], { cwd: repo, encoding: 'utf8' });
    expect(files).toBe('a/d\nf\n');
  });

  it('reads and writes only the folders along the edited paths, in one cat-file and one mktree', async () => {
    const big = tempDir('detml-tree-edit-big-');
    execFileSync('git', ['init', '-q', big]);
    const oid = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: big, input: 'x\n' }).toString().trim();
    const files = new Map<string, Entry>();
    for (let i = 0; i < 2000; i++) files.set(`data/d${i % 40}/f${i}.txt`, { mode: '100644', oid });
    files.set('config.txt', { mode: '100644', oid });
    const start = await indexWriteTree(big, files);
    const trace = join(tempDir('detml-trace-'), 'trace.jsonl');
    const saved = process.env.DETML_GIT_TRACE;
    process.env.DETML_GIT_TRACE = trace;
    let tree: string;
    try {
      tree = await writeTree(
        big,
        new Map([
          ['config.txt', null],
          ['data/d3/new.txt', { mode: '100644', oid }],
        ]),
        start,
      );
    } finally {
      if (saved === undefined) delete process.env.DETML_GIT_TRACE;
      else process.env.DETML_GIT_TRACE = saved;
    }
    const calls = readGitTrace(trace);
    expect(calls.map((c) => c.args[0]).sort()).toEqual(['cat-file', 'mktree']);
    expect(calls.every((c) => !c.env.GIT_INDEX_FILE)).toBe(true);
    // The root, data/ and data/d3/ are read; each of them written once.
    const asked = Buffer.from(calls.find((c) => c.args[0] === 'cat-file')!.input, 'base64')
      .toString()
      .trim()
      .split('\n');
    expect(asked).toHaveLength(3);
    const sent = Buffer.from(calls.find((c) => c.args[0] === 'mktree')!.input, 'base64').toString('latin1');
    expect(sent.split('\0\0')).toHaveLength(4); // three trees, each ended by an empty record
    expect(tree).toBe(
      await indexWriteTree(
        big,
        new Map([
          ['config.txt', null],
          ['data/d3/new.txt', { mode: '100644', oid }],
        ]),
        start,
      ),
    );
  }, 60_000);
});
