// writeTree edits a tree without an index (sync/tree-edit.ts). Tree ids must be exactly those of the index-based way
// it replaced (a throwaway index: read-tree, update-index --index-info, write-tree), kept here as the reference and
// run against the same real repository for every edit pattern, including the ones git refuses.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git.ts';
import { listTree, writeTree, type Entry, type Listing } from '../../sync/git-objects.ts';
import { indexAcceptsPath } from '../../sync/index-path.ts';
import { suiteTempDir, tempDir } from '../helpers/tmp.ts';
import { readGitTrace } from '../helpers/git-trace.ts';

type Edits = Map<string, Entry | null>;

// The implementation writeTree had before: every file of the base through a temporary index.
async function indexWriteTree(dir: string, entries: Edits, base?: string): Promise<string> {
  const scratch = mkdtempSync(join(dir, '..', 'index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    if (base) await runGit(dir, ['read-tree', base], { env });
    const zero = '0'.repeat(40);
    const lines = [...entries].map(([path, e]) => (e ? `${e.mode} ${e.oid}\t${path}` : `0 ${zero}\t${path}`));
    if (lines.length)
      await runGit(dir, ['update-index', '--add', '--remove', '-z', '--index-info'], {
        env,
        input: lines.join('\0') + '\0',
      });
    return (await runGit(dir, ['write-tree'], { env })).stdout.toString('utf8').trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function outcome(write: () => Promise<string>): Promise<string> {
  try {
    return await write();
  } catch {
    return 'error';
  }
}

let dir = '';
const blob: Entry[] = [];
const exec = (oid: string): Entry => ({ mode: '100755', oid });
const link = (oid: string): Entry => ({ mode: '120000', oid });
const gitlink: Entry = { mode: '160000', oid: '1234567890123456789012345678901234567890' };
const git = (args: string[], input?: Buffer | string) =>
  execFileSync('git', args, { cwd: dir, input, encoding: 'utf8' }).trim();

// A base tree with deep folders, a gitlink, a symlink, names with spaces, newlines, tabs, a leading R and unicode,
// a name that is not UTF-8 and an empty subtree (git never writes one, but a tree may hold it).
let base = '';
const baseFiles: string[] = [];
beforeAll(async () => {
  dir = join(suiteTempDir('detml-tree-edit-'), 'repo');
  execFileSync('git', ['init', '-q', dir]);
  for (let i = 0; i < 6; i++) blob.push({ mode: '100644', oid: git(['hash-object', '-w', '--stdin'], `blob ${i}\n`) });
  const files: [string, Entry][] = [
    ['README.md', blob[0]!],
    ['f', blob[1]!],
    ['d/one/a.txt', blob[2]!],
    ['d/one/b.txt', blob[3]!],
    ['d/two/c.txt', blob[2]!],
    ['d/two/deeper/e.txt', blob[4]!],
    ['dd/x', blob[1]!],
    ['dd/y/z', blob[1]!],
    ['same/a', blob[2]!],
    ['copy/a', blob[2]!],
    ['run.sh', exec(blob[5]!.oid)],
    ['latest', link(blob[0]!.oid)],
    ['vendor/lib', gitlink],
    ['with space/file name.txt', blob[3]!],
    ['new\nline/R leading', blob[4]!],
    ['R/Rename.txt', blob[4]!],
    ['tab\there/ü ñ 日本.txt', blob[5]!],
    ['data/d1/f1.txt', blob[0]!],
    ['data/d2/f2.txt', blob[1]!],
  ];
  baseFiles.push(...files.map(([p]) => p));
  const plain = await indexWriteTree(dir, new Map(files));
  // Add a non-UTF-8 name and an empty subtree inside "d/" with git's own mktree.
  const d = git(['rev-parse', `${plain}:d`]);
  const empty = git(['mktree'], '');
  const listing = execFileSync('git', ['ls-tree', '-z', d], { cwd: dir });
  const extra = Buffer.concat([
    Buffer.from(`100644 blob ${blob[5]!.oid}\t`),
    Buffer.from([0x6c, 0xe9, 0x74, 0xe9]), // "lété" in latin1: not UTF-8
    Buffer.from([0]),
    Buffer.from(`040000 tree ${empty}\tempty\0`),
  ]);
  const newD = git(['mktree', '-z'], Buffer.concat([listing, extra]));
  const rootListing = execFileSync('git', ['ls-tree', '-z', plain], { cwd: dir })
    .toString('latin1')
    .split('\0')
    .filter(Boolean)
    .map((l) => (l.endsWith('\td') ? l.replace(/ [0-9a-f]{40}\t/, ` ${newD}\t`) : l));
  base = git(['mktree', '-z'], Buffer.from(rootListing.join('\0') + '\0', 'latin1'));
}, 60_000);

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
  ['every file deleted', () => new Map(baseFiles.map((p) => [p, null]))],
  ['no edits', () => new Map()],
];

describe('writeTree without an index', () => {
  for (const [name, edits] of patterns) {
    it(`gives the index's tree id: ${name}`, async () => {
      const e = edits();
      for (const b of [base, undefined]) {
        const expected = await outcome(() => indexWriteTree(dir, e, b));
        expect(await outcome(() => writeTree(dir, e, b))).toBe(expected);
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
      const b = rand(4) ? base : undefined;
      const expected = await outcome(() => indexWriteTree(dir, edits, b));
      expect(await outcome(() => writeTree(dir, edits, b)), JSON.stringify([...edits])).toBe(expected);
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

  it('lists paths as git ls-tree -r does (files, folders with all they hold, gitlinks, missing paths)', async () => {
    const lsTree = async (paths: string[]): Promise<Listing> => {
      const args = ['ls-tree', '-r', '-z', '--full-tree', base, '--', ...paths.map((p) => `:(literal)${p}`)];
      const listing: Listing = new Map();
      for (const record of (await runGit(dir, args)).stdout.toString('utf8').split('\0')) {
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
      baseFiles,
    ];
    for (const paths of cases)
      expect([...(await listTree(dir, base, paths))], paths.join()).toEqual([...(await lsTree(paths))]);
  });

  it('takes the same paths as git index (the rule on its own)', () => {
    expect(indexAcceptsPath('a/b c/d', 0o100644)).toBe(true);
    for (const p of ['.git', 'x/.Git/y', 'git~1', '.git ', '.git::$INDEX_ALLOCATION', 'a\\.git', '..', 'a/./b', ''])
      expect(indexAcceptsPath(p, 0o100644), p).toBe(false);
    expect(indexAcceptsPath('.gitmodules', 0o100644)).toBe(true);
    expect(indexAcceptsPath('.gitmodules', 0o120000)).toBe(false);
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
