// Every workflow every template renders must pass actionlint and GitHub's own parser, pin actions by commit SHA,
// and grant no more than it needs; the shared detml-sync workflow must run a pinned create-detml.
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderTemplate } from '../../src/templates/render.ts';
import { actionlintProblems, workflowParserProblems } from '../helpers/validate.ts';

const NAME: Record<string, string> = { vllm: 'wf_check' };

describe.each(availableTemplates())('%s workflows', (id) => {
  const { dir, manifest } = resolveTemplate(id);
  const workflows = renderTemplate(dir, resolveAnswers(manifest, { name: NAME[id] ?? 'wf-check' }), manifest).filter((f) => f.path.startsWith('.github/workflows/'));

  it('include CPU CI, GPU CI and the sync workflow', () => {
    expect(workflows.map((f) => f.path)).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/gpu.yml', '.github/workflows/detml-sync.yml']));
  });

  it.each(workflows.map((f) => [f.path, f.contents.toString('utf8')]))('%s is valid and pins actions by SHA', async (path, source) => {
    expect(await actionlintProblems(path, source)).toEqual([]);
    expect(await workflowParserProblems(path, source)).toEqual([]);
    for (const [, ref] of source.matchAll(/uses:\s*(\S+)/g)) expect(ref).toMatch(/@[0-9a-f]{40}$/);
    expect(source).toMatch(/^permissions:/m);
  });

  it('the CPU CI runs create-detml verify, and the sync workflow a pinned create-detml with the repo token', () => {
    const text = (p: string) => workflows.find((f) => f.path === p)!.contents.toString('utf8');
    expect(text('.github/workflows/ci.yml')).toMatch(/npx --yes create-detml@\d+\.\d+\.\d+ verify/);
    const sync = text('.github/workflows/detml-sync.yml');
    expect(sync).toMatch(/npx --yes create-detml@\d+\.\d+\.\d+ sync --templates-from latest/);
    expect(sync).toContain('GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}');
    expect(sync).toMatch(/contents: write\n\s+pull-requests: write/);
    expect(sync).toContain('persist-credentials: false');
  });
});
