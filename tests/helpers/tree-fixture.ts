// The repository the tree-edit and tree-listing tests share, and the index-based writeTree they compare with.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { runGit } from '../../src/git-process.ts';
import type { Entry } from '../../sync/git-objects.ts';
import { suiteTempDir } from './tmp.ts';

/** Path -> entry, null removing the path: what writeTree applies. */
export type Edits = Map<string, Entry | null>;

/** The implementation writeTree had before, kept as the reference: every file of the base through a temporary index. */
export async function indexWriteTree(dir: string, entries: Edits, base?: string): Promise<string> {
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

/** A write's tree id, or "error" where it throws (git refuses some edits). */
export async function outcome(write: () => Promise<string>): Promise<string> {
  try {
    return await write();
  } catch {
    return 'error';
  }
}

/** The shared repository: its folder, base tree and files, and six blobs with helpers for other file modes. */
export interface TreeFixture {
  dir: string;
  base: string;
  baseFiles: string[];
  blob: Entry[];
  exec: (oid: string) => Entry;
  link: (oid: string) => Entry;
  gitlink: Entry;
}

/**
 * A base tree with deep folders, a gitlink, a symlink, names with spaces, newlines, tabs, a leading R and unicode,
 * a name that is not UTF-8 and an empty subtree (git never writes one, but a tree may hold it).
 * Built once before the calling file's tests (the fields are filled then).
 */
export function useTreeFixture(): TreeFixture {
  const fx: TreeFixture = {
    dir: '',
    base: '',
    baseFiles: [],
    blob: [],
    exec: (oid) => ({ mode: '100755', oid }),
    link: (oid) => ({ mode: '120000', oid }),
    gitlink: { mode: '160000', oid: '1234567890123456789012345678901234567890' },
  };
  beforeAll(async () => {
    const dir = join(suiteTempDir('detml-tree-edit-'), 'repo');
    fx.dir = dir;
    const git = (args: string[], input?: Buffer | string) =>
      execFileSync('git', args, { cwd: dir, input, encoding: 'utf8' }).trim();
    const { blob, exec, link, gitlink } = fx;
    execFileSync('git', ['init', '-q', dir]);
    for (let i = 0; i < 6; i++)
      blob.push({ mode: '100644', oid: git(['hash-object', '-w', '--stdin'], `blob ${i}\n`) });
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
    fx.baseFiles.push(...files.map(([p]) => p));
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
    fx.base = git(['mktree', '-z'], Buffer.from(rootListing.join('\0') + '\0', 'latin1'));
  }, 60_000);
  return fx;
}
