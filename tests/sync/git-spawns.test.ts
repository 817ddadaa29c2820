// How sync --local talks to git (bench/sync.ts measures the time): a fixed, small number of git processes whatever
// the repository's size, no throwaway index for the merge's trees, and no rename search when the template renames
// nothing.
import { describe, expect, it } from 'vitest';
import { gitCommand as command, traceGitCalls, type TracedGitCall as Traced } from '../helpers/git-trace.ts';
import { scenario } from '../helpers/sync-project.ts';

describe('git processes of one sync --local', () => {
  const { calls, restart } = traceGitCalls();

  let lastProject: Awaited<ReturnType<typeof scenario>> | undefined;
  async function syncWith(userFiles: number, renamed: boolean): Promise<Traced[]> {
    const p = await scenario({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'dir/c.txt': 'c\n' });
    lastProject = p;
    for (let i = 0; i < userFiles; i++) p.write(`data/d${i % 10}/f${i}.txt`, `${i}\n`);
    p.write('a.txt', 'a\nmine\n');
    p.commit();
    p.release('2.0.0', {
      'a.txt': 'a\n',
      [renamed ? 'b2.txt' : 'b.txt']: 'b\n',
      'dir/c.txt': 'c\ntheirs\n',
      'new.txt': 'n\n',
    });
    await p.sync({ to: '2.0.0', mode: 'local' });
    return calls();
  }

  it('spawns the same few processes for 20 and 2,000 user files, none of them an index pass over the tree', async () => {
    const small = await syncWith(20, true);
    restart();
    const large = await syncWith(2000, true);
    expect(
      large.map((c) =>
        c.args
          .join(' ')
          .replace(/[0-9a-f]{40}/g, 'ID')
          .replace(/\/\S+/g, 'PATH'),
      ),
    ).toEqual(
      small.map((c) =>
        c.args
          .join(' ')
          .replace(/[0-9a-f]{40}/g, 'ID')
          .replace(/\/\S+/g, 'PATH'),
      ),
    );
    expect(large.length).toBeLessThanOrEqual(10);
    // The only index sync writes is the user's own (through its temporary copy, renamed into place).
    expect(large.filter((c) => c.env.GIT_INDEX_FILE).map(command)).toEqual(['read-tree']);
    expect(large.filter((c) => c.env.GIT_INDEX_FILE)[0]!.env.GIT_INDEX_FILE).toMatch(/index\.detml-sync$/);
    expect(large.map(command)).not.toContain('ls-tree');
    expect(large.map(command)).not.toContain('write-tree');
  }, 120_000);

  it('writes no object the repository has: the same sync run again starts no process that writes one', async () => {
    const first = await syncWith(20, true);
    const writers = ['fast-import', 'mktree', 'hash-object'];
    // The blobs, the render trees and the synthetic history are written side by side (in any order), then the result.
    expect(
      first
        .map(command)
        .filter((c) => writers.includes(c!))
        .sort(),
    ).toEqual(['fast-import', 'hash-object', 'mktree', 'mktree']);
    const p = lastProject!;
    const after = p.snapshot();
    p.git('reset', '-q', '--hard', 'HEAD');
    restart();
    const r = await p.sync({ to: '2.0.0', mode: 'local' });
    expect(r.status).toBe('clean');
    expect(
      calls()
        .map(command)
        .filter((c) => writers.includes(c!)),
    ).toEqual([]);
    expect(p.snapshot()).toBe(after);
  }, 120_000);

  it('asks git for renames only when the template drops a path and adds one', async () => {
    const renamed = await syncWith(0, true);
    expect(renamed.some((c) => command(c) === 'diff-tree' && c.args.includes('-M'))).toBe(true);
    restart();
    const kept = await syncWith(0, false);
    expect(kept.some((c) => command(c) === 'diff-tree' && c.args.includes('-M'))).toBe(false);
  }, 120_000);
});
