// `fleet sync`: the PR flow for every repository the plan marks open or update, a few at a time, each in its own
// temporary clone; one repository's failure is recorded and the others go on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/errors.ts';
import type { TemplateSource } from '../../src/templates/registry.ts';
import type { RetryPolicy } from '../pr-retry.ts';
import type { PrAction } from '../pr-upsert.ts';
import { runPullRequestSync, type PullRequestSyncResult } from '../pull-request.ts';
import type { FleetApi } from './api.ts';
import { cloneBranch, gitUrl } from './clone.ts';
import { syncViaFork, type ForkOwner } from './fork.ts';
import { mapLimit } from './limiter.ts';
import type { RepoPlan } from './plan.ts';

/** What happened to one repository. */
export type RepoOutcome = PrAction | 'up-to-date' | 'skipped' | 'failed';

/** One repository's result, for the summary and --json. */
export interface RepoSyncResult {
  repo: string;
  outcome: RepoOutcome;
  /** The plan's reason for a skipped repository, or the error of a failed one. */
  detail?: string;
  template?: string;
  from?: string;
  to?: string;
  conflicts?: boolean;
  pullRequest?: { number: number; url: string; draft: boolean };
  ms: number;
}

/** Everything a fleet sync run needs. */
export interface FleetSyncOptions {
  plan: readonly RepoPlan[];
  token: string;
  apiUrl: string;
  api: FleetApi;
  source: TemplateSource;
  retry: RetryPolicy;
  concurrency: number;
  fork?: ForkOwner | undefined;
  /** @internal Parent folder for the temporary clones (default: the OS temp folder). */
  workDir?: string | undefined;
  /** @internal Keep each clone instead of deleting it (tests inspect them). */
  keepClones?: boolean;
  /** Called as each repository finishes, in completion order. */
  onResult?: (result: RepoSyncResult) => void;
}

/** Syncs every planned repository with at most `concurrency` at once; results come back in plan order. */
export async function runFleetSync(o: FleetSyncOptions): Promise<RepoSyncResult[]> {
  return mapLimit(o.plan, o.concurrency, async (plan) => {
    const result = plan.action === 'open' || plan.action === 'update' ? await syncOne(plan, o) : skipped(plan);
    o.onResult?.(result);
    return result;
  });
}

async function syncOne(plan: RepoPlan, o: FleetSyncOptions): Promise<RepoSyncResult> {
  const started = Date.now();
  const base = plan.base as string;
  const scratch = mkdtempSync(join(o.workDir ?? tmpdir(), `detml-fleet-${plan.owner}-${plan.name}-`));
  const known = { repo: plan.repo, template: plan.template, from: plan.from, to: plan.to };
  try {
    const url = gitUrl(o.apiUrl, plan.owner, plan.name);
    const dir = await cloneBranch(scratch, url, o.token, base);
    let result: PullRequestSyncResult;
    if (plan.fork) {
      if (!o.fork) throw new UserError('the plan asks for a fork but no fork owner was given (--fork OWNER)');
      result = await syncViaFork({
        dir,
        owner: plan.owner,
        name: plan.name,
        base,
        to: plan.to,
        token: o.token,
        apiUrl: o.apiUrl,
        api: o.api,
        fork: o.fork,
        source: o.source,
        retry: o.retry,
      });
    } else {
      result = await runPullRequestSync({
        cwd: dir,
        to: plan.to,
        source: o.source,
        base,
        target: { repo: plan.repo, apiUrl: o.apiUrl, remoteUrl: url, env: {} },
        auth: { token: o.token },
        retry: o.retry,
      });
    }
    const pr = result.pullRequest;
    return {
      ...known,
      from: result.from,
      to: result.to,
      outcome: pr ? pr.action : 'up-to-date',
      ...(result.status === 'conflicts' && { conflicts: true }),
      ...(pr && { pullRequest: { number: pr.number, url: pr.url, draft: pr.draft } }),
      ms: Date.now() - started,
    };
  } catch (error) {
    return {
      ...known,
      outcome: 'failed',
      detail: (error as Error).message.split('\n')[0] ?? String(error),
      ms: Date.now() - started,
    };
  } finally {
    if (!o.keepClones) rmSync(scratch, { recursive: true, force: true });
  }
}

function skipped(plan: RepoPlan): RepoSyncResult {
  return {
    repo: plan.repo,
    outcome: plan.action === 'error' ? 'failed' : 'skipped',
    detail: plan.reason,
    ...(plan.template && { template: plan.template }),
    ...(plan.from && { from: plan.from }),
    ...(plan.to && { to: plan.to }),
    ms: 0,
  };
}
