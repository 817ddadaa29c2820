import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetCommand } from '../../sync/fleet/command.ts';
import type { PlanJson } from '../../sync/fleet/matrix.ts';
import { rateLimitWindow } from '../helpers/fake-github/faults.ts';
import { buildFleet, type FixtureVersion, type FleetRepoSpec } from '../helpers/fake-github/fleet.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github/server.ts';
import { suiteTempDir, tempDir } from '../helpers/tmp.ts';

const TOKEN = 'ghp_fleet_token_0123456789abcdef';
// svc-i is at 1.0.0 when i % 5 == 0, 1.1.0 when i % 5 == 1, else 1.2.0: 10, 10 and 30 repositories.
const versionOf = (i: number): FixtureVersion => (['1.0.0', '1.1.0'] as const)[i % 5] ?? '1.2.0';
const svc = (i: number) => `svc-${String(i).padStart(2, '0')}`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// 50 generated repositories at mixed versions, with: two opted out in their state file, one corrupt state file, one
// refusing pushes; plus two repositories that are not generated, an archived one and a fork.
const OPTED_OUT = [5, 6];
const CORRUPT = 21;
const REJECTS = 16;
// Left by an earlier run: PRs to 1.1.0 on svc-00 and svc-10, to 1.2.0 on svc-15; svc-11's 1.2.0 PR was closed unmerged.
const TO_110 = [0, 10];
const AT_120 = 15;
const CLOSED = 11;
const SPECS: FleetRepoSpec[] = [
  ...range(50).map((i) => ({
    name: svc(i),
    version: versionOf(i),
    kind: OPTED_OUT.includes(i) ? ('optout' as const) : i === CORRUPT ? ('corrupt' as const) : ('detml' as const),
    rejectPushes: i === REJECTS,
  })),
  { name: 'website', kind: 'plain' },
  { name: 'docs', kind: 'plain' },
  { name: 'legacy', version: '1.0.0', archived: true },
];

// Scaled-down waits (a second GitHub asks for is 20 ms, writes 20 ms apart): the real waits are asserted on a fake
// clock in tests/github/rate-limits.test.ts.
const SCALED = { baseMs: 20, writeSpacingMs: 20 };

// `suite`: built in beforeAll for the whole file (its folders live until the worker exits; the caller closes the fake).
async function fleetOnFake(specs: readonly FleetRepoSpec[], suite = false, retry: Record<string, number> = SCALED) {
  const gh = await startFakeGitHub(suite ? { root: suiteTempDir('detml-fleet-gh-') } : {});
  const { templateRoot } = await buildFleet(
    gh,
    'acme',
    specs,
    suite ? suiteTempDir('detml-fleet-') : tempDir('detml-fleet-'),
  );
  gh.addToken(TOKEN);
  const run = async (...args: string[]) => {
    let out = '';
    const code = await fleetCommand(
      [...args, '--template-root', templateRoot, '--api-url', gh.apiUrl, '--concurrency', '4'],
      { write: (t) => void (out += t), env: { GITHUB_TOKEN: TOKEN }, retry },
    );
    return { code, out };
  };
  return { gh, run };
}

const expected = (i: number): string => {
  if (i === CORRUPT) return 'error';
  if (OPTED_OUT.includes(i) || i === CLOSED || versionOf(i) === '1.2.0') return 'skip';
  return [...TO_110, AT_120].includes(i) ? 'update' : 'open';
};

// One fleet of 50 repositories for the file, built once; the tests below run in order on it (plan, sync, status).
describe('fleet plan, sync and status over 50 repositories on the fake GitHub', () => {
  let fleet: Awaited<ReturnType<typeof fleetOnFake>>;
  let gh: FakeGitHub;
  let setupCreates = 0;

  beforeAll(async () => {
    fleet = await fleetOnFake(SPECS, true);
    gh = fleet.gh;
    gh.addRepo('acme', 'svc-00-copy', gh.state.repo('acme', 'svc-00')!.dir, { parent: 'acme/svc-00' });
    expect(
      (await fleet.run('sync', '--repo', TO_110.map((i) => `acme/${svc(i)}`).join(','), '--to', '1.1.0')).code,
    ).toBe(0);
    expect((await fleet.run('sync', '--repo', `acme/${svc(AT_120)}`, '--repo', `acme/${svc(CLOSED)}`)).code).toBe(0);
    gh.closePull('acme', svc(CLOSED), gh.pulls('acme', svc(CLOSED))[0]!.number);
    setupCreates = gh.calls.filter((c) => c.operation === 'pulls/create' && c.status === 201).length;
  }, 180_000);
  afterAll(() => gh?.close());

  it('plan --json: the right action and reason for each repository; not generated, archived and forks left out', async () => {
    expect(setupCreates).toBe(4);
    const planned = await fleet.run('plan', '--org', 'acme', '--json');
    expect(planned.code).toBe(1); // svc-21 cannot be inspected
    const plan = JSON.parse(planned.out) as PlanJson;
    const byRepo = new Map(plan.repos.map((r) => [r.name, r]));
    expect([...byRepo.keys()].sort()).toEqual(range(50).map(svc));
    for (const i of range(50))
      expect({ repo: svc(i), action: byRepo.get(svc(i))?.action }).toEqual({ repo: svc(i), action: expected(i) });
    expect(byRepo.get('svc-20')).toMatchObject({
      template: 'demo',
      from: '1.0.0',
      to: '1.2.0',
      base: 'main',
      reason: 'new pull request 1.0.0 -> 1.2.0',
    });
    expect(byRepo.get('svc-02')).toMatchObject({ from: '1.2.0', to: '1.2.0', reason: 'up to date' });
    expect(byRepo.get('svc-05')?.reason).toBe('opted out in .detml/state.json: frozen for the audit');
    expect(byRepo.get('svc-10')?.reason).toMatch(/^#\d+ moves from 1\.1\.0 to 1\.2\.0$/);
    expect(byRepo.get('svc-11')?.reason).toMatch(/^#\d+ proposing 1\.2\.0 was closed without merging$/);
    expect(byRepo.get('svc-15')?.reason).toMatch(/^#\d+ already proposes 1\.2\.0; refreshed if main moved$/);
    expect(byRepo.get('svc-21')?.reason).toContain('.detml/state.json is corrupt');
    expect(plan.summary).toEqual({ open: 13, update: 3, skip: 33, error: 1, ignored: 3 });
    expect(plan.matrix.include).toHaveLength(16);
    expect(plan.matrix.include[0]).toEqual({
      name: 'acme/svc-00',
      owner: 'acme',
      repos: 'acme/svc-00',
      names: 'svc-00',
      fork: false,
    });
  });

  it('sync with flaky 502s: opens and updates exactly the right PRs, records failures and goes on', async () => {
    gh.faults.push({ operation: 'pulls/list', status: 502, times: 2 });
    const synced = await fleet.run('sync', '--org', 'acme');
    expect(synced.code).toBe(1);
    expect(synced.out).toMatch(/Fleet sync: 50 repositories in [\d.]+ s: /);
    for (const part of ['12 created', '2 updated', '1 unchanged', '33 skipped', '2 failed'])
      expect(synced.out).toContain(part);
    expect(synced.out).toMatch(
      /failed acme\/svc-16: Could not push detml\/sync\/main to http:.*pre-receive hook declined/,
    );
    expect(synced.out).toContain('failed acme/svc-21: .detml/state.json is corrupt');
    for (const i of range(50)) {
      const pulls = gh.pulls('acme', svc(i));
      const action = expected(i);
      if (i !== REJECTS && (action === 'open' || action === 'update')) {
        expect(pulls.filter((p) => p.state === 'open').map((p) => p.title)).toEqual([
          `detml: update demo template ${versionOf(i)} -> 1.2.0`,
        ]);
        expect(pulls).toHaveLength(1);
      } else if (i === CLOSED) expect(pulls.map((p) => p.state)).toEqual(['closed']);
      else expect(pulls).toEqual([]);
    }
    expect(gh.calls.filter((c) => c.operation === 'pulls/create' && c.status === 201)).toHaveLength(setupCreates + 12);
    expect(gh.pulls('acme', 'svc-00')[0]?.labels).toEqual(['detml-sync']);
    expect(gh.violations).toEqual([]);
  }, 180_000);

  it('status --markdown: who is on which version, and which PRs are in flight', async () => {
    const status = await fleet.run('status', '--org', 'acme', '--markdown');
    expect(status.out).toContain('demo: 1.2.0 ×30, 1.1.0 ×9, 1.0.0 ×10; 1 error.');
    expect(status.out).toMatch(
      /\| acme\/svc-00 \| demo \| 1\.0\.0 \| 1\.2\.0 \| \[#\d+ -> 1\.2\.0\]\(http:\/\/127\.0\.0\.1:\d+\/acme\/svc-00\/pull\/\d+\) \| behind \|/,
    );
    expect(status.out).toContain(
      '| acme/svc-05 | demo | 1.0.0 | - |   | opted out in .detml/state.json: frozen for the audit |',
    );
  });
});

describe('fleet sync under a primary rate limit', () => {
  it('an exhausted limit hit by one worker is waited out by all of them; every repository gets its PR', async () => {
    // GitHub's reset is a wall-clock second, so this small fleet waits the real ~3 s (writes still spaced 20 ms).
    const { gh, run } = await fleetOnFake(
      range(6).map((i) => ({ name: svc(i), version: '1.0.0' as const })),
      false,
      { writeSpacingMs: 20 },
    );
    gh.faults.push(rateLimitWindow('pulls/create', 2));
    const synced = await run('sync', '--org', 'acme');
    expect(synced.code).toBe(0);
    expect(synced.out).toContain('6 created');
    for (const i of range(6)) expect(gh.pulls('acme', svc(i)).map((p) => p.state)).toEqual(['open']);
    // Only requests already in flight when the limit hit can meet it: at most one per worker.
    expect(gh.calls.filter((c) => c.status === 403).length).toBeLessThanOrEqual(4);
    expect(gh.violations).toEqual([]);
  }, 120_000);
});
