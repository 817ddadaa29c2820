// `fleet plan --json`: the plan for machines, including the job matrix the reusable workflow fans out with
// `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`.
import { GENERATOR_NAME, GENERATOR_VERSION } from '../../src/version.ts';
import type { FleetPlan, PlanAction, RepoPlan } from './plan.ts';

/** One matrix job: a display name, the owner its App token is minted for, and its repositories. */
export interface MatrixJob {
  /** `owner/name`, or `owner (batch i/n)` when repositories had to share jobs. */
  name: string;
  owner: string;
  /** `owner/name` list, comma-separated: the value of `fleet sync --repo`. */
  repos: string;
  /** Repository names without the owner, comma-separated: the `repositories` input of create-github-app-token. */
  names: string;
  /** True when some repository of this job gets its PR from a fork. */
  fork: boolean;
}

/** The plan JSON: format version, generator, every repository, counts, and the matrix of repositories to sync. */
export interface PlanJson {
  schema: 1;
  generator: string;
  repos: RepoPlan[];
  summary: Record<PlanAction, number> & { ignored: number };
  matrix: { include: MatrixJob[] };
}

/** GitHub Actions allows at most 256 jobs per matrix. */
export const MAX_MATRIX_JOBS = 256;

/** Builds the plan JSON; repositories to sync are batched per owner when there are more than `maxJobs`. */
export function planJson(plan: FleetPlan, maxJobs = MAX_MATRIX_JOBS): PlanJson {
  const summary = { open: 0, update: 0, skip: 0, error: 0, ignored: plan.ignored };
  for (const r of plan.repos) summary[r.action]++;
  return {
    schema: 1,
    generator: `${GENERATOR_NAME} ${GENERATOR_VERSION}`,
    repos: plan.repos,
    summary,
    matrix: { include: matrixJobs(plan.repos, maxJobs) },
  };
}

/** The matrix jobs: one per repository to sync, or per batch of one owner's repositories beyond `maxJobs`. */
export function matrixJobs(repos: readonly RepoPlan[], maxJobs = MAX_MATRIX_JOBS): MatrixJob[] {
  const todo = repos.filter((r) => r.action === 'open' || r.action === 'update');
  const size = Math.max(1, Math.ceil(todo.length / maxJobs));
  const byOwner = new Map<string, RepoPlan[]>();
  for (const r of todo) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r]);
  const jobs: MatrixJob[] = [];
  for (const [owner, list] of byOwner) {
    const batches = Math.ceil(list.length / size);
    for (let i = 0; i < batches; i++) {
      const batch = list.slice(i * size, (i + 1) * size);
      jobs.push({
        name: size === 1 ? (batch[0] as RepoPlan).repo : `${owner} (batch ${i + 1}/${batches})`,
        owner,
        repos: batch.map((r) => r.repo).join(','),
        names: batch.map((r) => r.name).join(','),
        fork: batch.some((r) => r.fork === true),
      });
    }
  }
  return jobs;
}
