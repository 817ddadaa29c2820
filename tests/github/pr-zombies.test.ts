import { describe, expect, it } from 'vitest';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';
import type { FakePull } from '../helpers/fake-github/state.ts';

// Every request create-detml sent and every response the fake built must match GitHub's OpenAPI description.
const setup = checkedGithubProject;
type G = Awaited<ReturnType<typeof setup>>;

// Old sync PRs a maintainer closed, as a long-lived repository accumulates them (newest listed first by GitHub).
function closedSyncPulls(g: G, versions: string[]): void {
  const sha = g.remote('rev-parse', 'refs/heads/main');
  for (const to of versions) {
    const now = g.gh.state.now();
    const p: FakePull = {
      id: g.gh.state.nextId(),
      repo: 'acme/proj',
      number: g.gh.state.pulls.length + 1,
      head: 'detml/sync/main',
      base: 'main',
      title: `detml: update demo template 1.0.0 -> ${to}`,
      body: `<!-- detml-sync: {"head":"${sha}","to":"${to}"} -->\nold`,
      state: 'closed',
      draft: false,
      author: 'sync-bot',
      labels: [],
      comments: [],
      createdAt: now,
      updatedAt: now,
      closedAt: now,
      mergedAt: null,
      maintainerCanModify: true,
      lastHeadSha: sha,
    };
    g.gh.state.pulls.push(p);
  }
}

describe('no duplicate or zombie pull requests (built CLI, real git smart HTTP, fake GitHub that paginates like GitHub)', () => {
  it('reads every page of pull requests: a closed PR for this version on page 2 still stops the proposal', async () => {
    const g = await setup();
    closedSyncPulls(g, ['1.1.0', ...Array.from({ length: 120 }, (_, i) => `0.${i}.0`)]);
    const r = await g.cli(['--to', '1.1.0']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Not reopening closed pull request #1 /m);
    expect(g.gh.count('pulls/create')).toBe(0);
    expect(
      g.gh.calls.filter((c) => c.operation === 'pulls/list' && c.path.endsWith('/pulls')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('reads every page of comments: a superseded PR with 120 comments is not commented on twice', async () => {
    const g = await setup();
    expect((await g.cli(['--to', '1.1.0'])).code).toBe(0);
    g.maintainerCommit('detml/sync/main', 'untouched.txt', 'fixed by a maintainer\n');
    const [old] = g.gh.pulls('acme', 'proj');
    for (let n = 0; n < 120; n++)
      old?.comments.push({
        id: g.gh.state.nextId(),
        body: `discussion ${n}`,
        author: 'someone',
        createdAt: g.gh.state.now(),
      });
    expect((await g.cli(['--to', '1.2.0'])).stdout).toMatch(/^Opened pull request #2 \(detml\/sync\/main-1\.2\.0\)/m);
    expect((await g.cli(['--to', '1.2.0'])).stdout).toMatch(/^Pull request is already up to date: #2/m);
    expect(old?.comments.filter((c) => c.body.includes('detml-sync-superseded-by'))).toHaveLength(1);
  });

  it('a renamed base branch: the new sync PR replaces the old one, which is closed with a comment', async () => {
    const g = await setup();
    expect((await g.cli(['--to', '1.1.0'])).code).toBe(0);
    g.gh.renameBranch('acme', 'proj', 'main', 'trunk');
    g.p.git('branch', '-m', 'main', 'trunk');
    const r = await g.cli(['--to', '1.2.0']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Opened pull request #2 \(detml\/sync\/trunk\)/m);
    expect(r.stdout).toMatch(/^Closed #1: sync PRs from the base branch's former name/m);
    const [old, current] = g.gh.pulls('acme', 'proj');
    expect(old).toMatchObject({ state: 'closed', base: 'trunk', head: 'detml/sync/main' });
    expect(old?.comments.map((c) => c.body)).toEqual([expect.stringContaining('in #2 (')]);
    expect(current).toMatchObject({ state: 'open', base: 'trunk', head: 'detml/sync/trunk' });
    expect(g.gh.pulls('acme', 'proj').filter((p) => p.state === 'open')).toHaveLength(1);
  });

  it.each(['squash', 'merge'] as const)(
    'a sync PR already merged (%s) is detected from the remote base, not the stale checkout',
    async (method) => {
      const g = await setup();
      expect((await g.cli(['--to', '1.1.0'])).code).toBe(0);
      g.gh.mergePull('acme', 'proj', 1, method, true);
      const pushes = g.gh.gitCalls.filter((c) => c.write).length;
      // The checkout was never pulled: its state file still says 1.0.0.
      const again = await g.cli(['--to', '1.1.0']);
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^Nothing to propose: the update is already merged on GitHub\.$/m);
      expect(again.stdout).toContain(
        'main on acme/proj already has demo 1.1.0 (merged in #1); pull it to update this checkout.',
      );
      expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
      expect(g.gh.gitCalls.filter((c) => c.write).length).toBe(pushes);
      // A newer release from the stale checkout is refused with the way out, instead of a PR built on old history.
      const newer = await g.cli(['--to', '1.2.0']);
      expect(newer.code).toBe(1);
      expect(newer.stderr).toContain(
        'main on acme/proj is on demo 1.1.0, but this checkout is on 1.0.0; pull main and run sync again.',
      );
      expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
    },
  );
});
