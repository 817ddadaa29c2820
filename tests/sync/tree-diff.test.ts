// sync's tree diff (sync/tree-diff.ts) reads trees through its shared reader instead of running `git diff-tree`; the
// no-loss check trusts it, so it must report exactly what git reports, for every kind of change.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeOf } from '../../sync/git-objects.ts';
import { diffTrees, type TreeChange } from '../../sync/tree-diff.ts';
import { withTreeReader } from '../../sync/tree-reader.ts';
import { tempDir } from '../helpers/tmp.ts';

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir }).toString();

// git's own answer, parsed into the same shape.
function gitDiff(dir: string, from: string, to: string): Map<string, TreeChange> {
  const out = git(dir, 'diff-tree', '-r', '-z', '--no-renames', from, to).split('\0');
  const changes = new Map<string, TreeChange>();
  for (let i = 0; i + 1 < out.length; i += 2) {
    const [srcMode, dstMode, srcOid, dstOid, status] = out[i]!.slice(1).split(' ') as string[];
    changes.set(out[i + 1]!, {
      status: status as TreeChange['status'],
      srcMode,
      dstMode,
      srcOid,
      dstOid,
    } as TreeChange);
  }
  return changes;
}

// A small deterministic generator (mulberry32), so a failure names a seed that reproduces it.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'a.b', 'a-b', 'b', 'é', 'x y', 'deep'];

describe('diffTrees', () => {
  for (const format of ['sha1', 'sha256']) {
    it(`reports what git diff-tree -r --no-renames reports, for 25 random pairs of trees (${format})`, async () => {
      const seen = new Set<string>();
      for (let seed = 1; seed <= 25; seed++) {
        const rnd = random(seed);
        const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
        const dir = tempDir();
        git(dir, 'init', '-q', `--object-format=${format}`);
        const path = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(NAMES)).join('/');
        const put = (p: string) => {
          const abs = join(dir, p);
          // A file or symlink where a folder of the path must be goes (as a user replacing it would).
          const parts = p.split('/');
          for (let n = 1; n < parts.length; n++) {
            const at = join(dir, ...parts.slice(0, n));
            if (lstatSync(at, { throwIfNoEntry: false })?.isDirectory() === false) rmSync(at);
          }
          rmSync(abs, { recursive: true, force: true });
          mkdirSync(dirname(abs), { recursive: true });
          const kind = rnd();
          if (kind < 0.15) symlinkSync(pick(NAMES), abs);
          else {
            writeFileSync(abs, `${p} ${Math.floor(rnd() * 3)}\n`);
            if (kind < 0.3) chmodSync(abs, 0o755);
          }
        };
        for (let i = 0; i < 12; i++) put(path());
        git(dir, 'add', '-A');
        git(dir, 'commit', '-qm', 'from', '--allow-empty');
        for (let i = 0; i < 8; i++) {
          const p = path();
          if (rnd() < 0.3) {
            try {
              rmSync(join(dir, p), { recursive: true, force: true });
            } catch {
              // a parent is a file: nothing there to remove
            }
          } else put(p);
        }
        git(dir, 'add', '-A');
        // A gitlink now and then: a submodule's entry is compared, never read.
        if (rnd() < 0.5) {
          const oid = git(dir, 'rev-parse', 'HEAD').trim();
          git(dir, 'update-index', '--add', '--replace', '--cacheinfo', `160000,${oid},${pick(['sub', 'a.b', 'x y'])}`);
        }
        git(dir, 'commit', '-qm', 'to', '--allow-empty');
        const ours = await withTreeReader(storeOf(dir), (reader) => diffTrees(reader, 'HEAD~1^{tree}', 'HEAD^{tree}'));
        const theirs = gitDiff(dir, 'HEAD~1', 'HEAD');
        expect({ seed, changes: [...ours] }).toEqual({ seed, changes: [...theirs] });
        for (const c of theirs.values()) seen.add(c.status);
      }
      // The pairs covered every kind of change git reports.
      expect([...seen].sort()).toEqual(['A', 'D', 'M', 'T']);
    }, 60_000);
  }

  it('reports nothing for equal trees', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'f'), 'x\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'one');
    const changes = await withTreeReader(storeOf(dir), (reader) => diffTrees(reader, 'HEAD^{tree}', 'HEAD^{tree}'));
    expect(changes.size).toBe(0);
  });
});
