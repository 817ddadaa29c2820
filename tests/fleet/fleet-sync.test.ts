import { describe, expect, it } from 'vitest';
import { fleetCommand } from '../../sync/fleet/command.ts';
import type { PlanJson } from '../../sync/fleet/matrix.ts';
import { rateLimitWindow } from '../helpers/fake-github/faults.ts';
import { buildFleet, type FixtureVersion, type FleetRepoSpec } from '../helpers/fake-github/fleet.ts';
import { startFakeGitHub } from '../helpers/fake-github/server.ts';
import { tempDir } from '../helpers/tmp.ts';

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

async function fleetOnFake() {
  const gh = await startFakeGitHub();
  const { templateRoot } = await buildFleet(gh, 'acme', SPECS, tempDir('detml-fleet-'));
  gh.addRepo('acme', 'svc-00-copy', gh.state.repo('acme', 'svc-00')!.dir, { parent: 'acme/svc-00' });
  gh.addToken(TOKEN);
  const run = async (...args: string[]) => {
    let out = '';
    const code = await fleetCommand([...args, '--template-root', templateRoot, '--api-url', gh.apiUrl, '--concurrency', '4'], { write: (t) => void (out += t), env: { GITHUB_TOKEN: TOKEN } });
    return { code, out };
  };
  return { gh, run };
}

describe('fleet plan and sync over 50 repositories on the fake GitHub', () => {
  it('plans each repository correctly, opens and updates exactly the right PRs, survives failures and honours rate limits', async () => {
    const { gh, run } = await fleetOnFake();

    expect((await run('sync', '--repo', TO_110.map((i) => `acme/${svc(i)}`).join(','), '--to', '1.1.0')).code).toBe(0);
    expect((await run('sync', '--repo', `acme/${svc(AT_120)}`, '--repo', `acme/${svc(CLOSED)}`)).code).toBe(0);
    gh.closePull('acme', svc(CLOSED), gh.pulls('acme', svc(CLOSED))[0]!.number);
    const setupCreates = gh.calls.filter((c) => c.operation === 'pulls/create' && c.status === 201).length;
    expect(setupCreates).toBe(4);

    // plan --json: one entry per generated repository; the rest are ignored (not generated, archived) or left out (fork).
    const planned = await run('plan', '--org', 'acme', '--json');
    expect(planned.code).toBe(1); // svc-21 cannot be inspected
    const plan = JSON.parse(planned.out) as PlanJson;
    const byRepo = new Map(plan.repos.map((r) => [r.name, r]));
    expect([...byRepo.keys()].sort()).toEqual(range(50).map(svc));
    const expected = (i: number): string => {
      if (i === CORRUPT) return 'error';
      if (OPTED_OUT.includes(i) || i === CLOSED || versionOf(i) === '1.2.0') return 'skip';
      return [...TO_110, AT_120].includes(i) ? 'update' : 'open';
    };
    for (const i of range(50)) expect({ repo: svc(i), action: byRepo.get(svc(i))?.action }).toEqual({ repo: svc(i), action: expected(i) });
    expect(byRepo.get('svc-20')).toMatchObject({ template: 'demo', from: '1.0.0', to: '1.2.0', base: 'main', reason: 'new pull request 1.0.0 -> 1.2.0' });
    expect(byRepo.get('svc-02')).toMatchObject({ from: '1.2.0', to: '1.2.0', reason: 'up to date' });
    expect(byRepo.get('svc-05')?.reason).toBe('opted out in .detml/state.json: frozen for the audit');
    expect(byRepo.get('svc-10')?.reason).toMatch(/^#\d+ moves from 1\.1\.0 to 1\.2\.0$/);
    expect(byRepo.get('svc-11')?.reason).toMatch(/^#\d+ proposing 1\.2\.0 was closed without merging$/);
    expect(byRepo.get('svc-15')?.reason).toMatch(/^#\d+ already proposes 1\.2\.0; refreshed if main moved$/);
    expect(byRepo.get('svc-21')?.reason).toContain('.detml/state.json is corrupt');
    expect(plan.summary).toEqual({ open: 13, update: 3, skip: 33, error: 1, ignored: 3 });
    expect(plan.matrix.include).toHaveLength(16);
    expect(plan.matrix.include[0]).toEqual({ name: 'acme/svc-00', owner: 'acme', repos: 'acme/svc-00', names: 'svc-00', fork: false });

    // sync, with a primary rate limit hit mid-run and flaky 502s.
    gh.faults.push(rateLimitWindow('pulls/create', 5), { operation: 'pulls/list', status: 502, times: 2 });
    const start = gh.calls.length;
    const synced = await run('sync', '--org', 'acme');
    expect(synced.code).toBe(1);
    expect(synced.out).toMatch(/Fleet sync: 50 repositories in [\d.]+ s: /);
    for (const part of ['12 created', '2 updated', '1 unchanged', '33 skipped', '2 failed']) expect(synced.out).toContain(part);
    expect(synced.out).toMatch(/failed acme\/svc-16: Could not push detml\/sync\/main to http:.*pre-receive hook declined/);
    expect(synced.out).toContain('failed acme/svc-21: .detml/state.json is corrupt');

    // Exactly the right PRs: one open PR to 1.2.0 where the plan said open or update; nothing elsewhere.
    for (const i of range(50)) {
      const pulls = gh.pulls('acme', svc(i));
      const action = expected(i);
      if (i !== REJECTS && (action === 'open' || action === 'update')) {
        expect(pulls.filter((p) => p.state === 'open').map((p) => p.title)).toEqual([`detml: update demo template ${versionOf(i)} -> 1.2.0`]);
        expect(pulls).toHaveLength(1);
      } else if (i === CLOSED) expect(pulls.map((p) => p.state)).toEqual(['closed']);
      else expect(pulls).toEqual([]);
    }
    expect(gh.calls.filter((c) => c.operation === 'pulls/create' && c.status === 201)).toHaveLength(setupCreates + 12);
    expect(gh.pulls('acme', 'svc-00')[0]?.labels).toEqual(['detml-sync']);

    // Rate limit: after GitHub's first 403 (the limit then holds 5-6 s), requests arrive only from the other workers'
    // calls already in flight (tens of ms), never later, until the reset. Without the shared gate, the other workers'
    // next calls (between their git steps) land seconds into the window.
    const calls = gh.calls.slice(start);
    const first = calls.find((c) => c.status === 403)!;
    const reset = gh.state.rateLimit!.until;
    const during = calls.filter((c) => c.at >= first.at && c.at < reset);
    expect(during.filter((c) => c.at - first.at >= 400).map((c) => `${c.operation} at +${c.at - first.at} ms`)).toEqual([]);
    expect(during.length).toBeLessThanOrEqual(4);
    expect(calls.some((c) => c.at >= reset)).toBe(true);
    expect(gh.violations).toEqual([]);

    // Afterwards the status table shows who is on which version, and which PRs are in flight.
    const status = await run('status', '--org', 'acme', '--markdown');
    expect(status.out).toContain('demo: 1.2.0 ×30, 1.1.0 ×9, 1.0.0 ×10; 1 error.');
    expect(status.out).toMatch(/\| acme\/svc-00 \| demo \| 1\.0\.0 \| 1\.2\.0 \| \[#\d+ -> 1\.2\.0\]\(http:\/\/127\.0\.0\.1:\d+\/acme\/svc-00\/pull\/\d+\) \| behind \|/);
    expect(status.out).toContain('| acme/svc-05 | demo | 1.0.0 | - |   | opted out in .detml/state.json: frozen for the audit |');
  }, 240_000);
});
