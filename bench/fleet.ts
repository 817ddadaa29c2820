// Fleet benchmark: `fleet plan` and `fleet sync` over many generated repositories on the local fake GitHub (real git
// smart HTTP, REST validated against GitHub's OpenAPI description), reporting repositories per minute and the API and
// git requests each repository costs. The fake runs in the same process, so its work is part of the time measured.
//   runFleetBench(200, 8) from bench/run.ts; formatFleetBench(result) gives the rows for RESULTS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetCommand } from '../sync/fleet/command.ts';
import type { RepoSyncResult } from '../sync/fleet/run.ts';
import { buildFleet, type FixtureVersion } from '../tests/helpers/fake-github/fleet.ts';
import { startFakeGitHub } from '../tests/helpers/fake-github/server.ts';

/** One fleet benchmark run. */
export interface FleetBenchResult {
  repos: number;
  concurrency: number;
  planSeconds: number;
  syncSeconds: number;
  /** Repositories synced (PR opened) per minute of `fleet sync` wall time. */
  reposPerMinute: number;
  /** REST calls per repository: plan, and sync (which plans again, then runs the PR flow). */
  planRequestsPerRepo: number;
  syncRequestsPerRepo: number;
  /** git smart-HTTP requests per repository during sync (clone, ls-remote, fetch, push). */
  gitRequestsPerRepo: number;
  created: number;
  failed: number;
}

/** Builds `repos` repositories (half at demo@1.0.0, half at 1.1.0) on a fresh fake, then plans and syncs them all. */
export async function runFleetBench(repos = 200, concurrency = 8): Promise<FleetBenchResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'detml-bench-fleet-'));
  const gh = await startFakeGitHub({ root: scratch });
  try {
    const versions: FixtureVersion[] = ['1.0.0', '1.1.0'];
    const specs = Array.from({ length: repos }, (_, i) => ({
      name: `svc-${String(i).padStart(3, '0')}`,
      version: versions[i % 2],
    }));
    const { templateRoot } = await buildFleet(gh, 'bench', specs, scratch);
    const token = 'ghp_bench_fleet_token_0123456789';
    gh.addToken(token);
    const run = async (...args: string[]) => {
      let out = '';
      const started = performance.now();
      const code = await fleetCommand(
        [
          ...args,
          '--org',
          'bench',
          '--json',
          '--concurrency',
          String(concurrency),
          '--api-url',
          gh.apiUrl,
          '--template-root',
          templateRoot,
        ],
        { write: (t) => void (out += t), env: { GITHUB_TOKEN: token } },
      );
      return { code, out, seconds: (performance.now() - started) / 1000 };
    };

    const plan = await run('plan');
    const planCalls = gh.calls.length;
    const sync = await run('sync');
    const results = (JSON.parse(sync.out) as { results: RepoSyncResult[] }).results;
    const created = results.filter((r) => r.outcome === 'created').length;
    if (gh.violations.length)
      throw new Error(`fake GitHub saw requests outside GitHub's description:\n${gh.violations.join('\n')}`);
    return {
      repos,
      concurrency,
      planSeconds: plan.seconds,
      syncSeconds: sync.seconds,
      reposPerMinute: (created / sync.seconds) * 60,
      planRequestsPerRepo: planCalls / repos,
      syncRequestsPerRepo: (gh.calls.length - planCalls) / repos,
      gitRequestsPerRepo: gh.gitCalls.length / repos,
      created,
      failed: results.filter((r) => r.outcome === 'failed').length,
    };
  } finally {
    await gh.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The result as one Markdown table row set, for bench/RESULTS.md. */
export function formatFleetBench(r: FleetBenchResult): string {
  return [
    `| fleet sync, ${r.repos} repositories, concurrency ${r.concurrency} | ${r.reposPerMinute.toFixed(0)} repos/min (${r.syncSeconds.toFixed(1)} s; ${r.created} PRs, ${r.failed} failed) |`,
    `| fleet plan, ${r.repos} repositories | ${r.planSeconds.toFixed(1)} s |`,
    `| requests per repository | ${r.planRequestsPerRepo.toFixed(1)} REST (plan), ${r.syncRequestsPerRepo.toFixed(1)} REST + ${r.gitRequestsPerRepo.toFixed(1)} git HTTP (sync) |`,
  ].join('\n');
}
