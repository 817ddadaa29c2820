// Every workflow every template renders must pass actionlint and GitHub's own parser, pin actions by commit SHA,
// and grant no more than it needs; the shared detml-sync workflow must run a pinned create-detml.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate } from '../../src/templates/render.ts';
import { tempDir } from '../helpers/tmp.ts';
import { actionlintProblems, workflowParserProblems } from '../helpers/validate.ts';

const NAME: Record<string, string> = { vllm: 'wf_check' };

describe.each(availableTemplates())('%s workflows', (id) => {
  const { dir, manifest } = resolveTemplate(id);
  const workflows = renderTemplate(dir, resolveAnswers(manifest, { name: NAME[id] ?? 'wf-check' }), manifest).filter((f) => f.path.startsWith('.github/workflows/'));

  it('include CPU CI, GPU CI and the sync workflow', () => {
    expect(workflows.map((f) => f.path)).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/gpu.yml', '.github/workflows/detml-sync.yml']));
  });

  it.each(workflows.map((f) => [f.path, renderedBytes(f).toString('utf8')]))('%s is valid and pins actions by SHA', async (path, source) => {
    expect(await actionlintProblems(path, source)).toEqual([]);
    expect(await workflowParserProblems(path, source)).toEqual([]);
    for (const [, ref] of source.matchAll(/uses:\s*(\S+)/g)) expect(ref).toMatch(/@[0-9a-f]{40}$/);
    expect(source).toMatch(/^permissions:/m);
  });

  it('the CPU CI runs create-detml verify, and the sync workflow a pinned create-detml with the repo token', () => {
    const text = (p: string) => renderedBytes(workflows.find((f) => f.path === p)!).toString('utf8');
    expect(text('.github/workflows/ci.yml')).toMatch(/npx --yes create-detml@\d+\.\d+\.\d+ verify/);
    const sync = text('.github/workflows/detml-sync.yml');
    expect(sync).toMatch(/npx --yes create-detml@\d+\.\d+\.\d+ sync --templates-from latest/);
    expect(sync).toContain('GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}');
    expect(sync).toMatch(/contents: write\n\s+pull-requests: write/);
    expect(sync).toContain('persist-credentials: false');
  });
});

interface Step {
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

/** The workflows that run golden checks: the GPU workflow of every template, and the CPU CI of the Node templates. */
const GOLDEN_WORKFLOWS: Record<string, string[]> = { onnx: ['ci.yml', 'gpu.yml'], tfjs: ['ci.yml', 'gpu.yml'], vllm: ['gpu.yml'] };

/** Fills in the GitHub expressions these steps use, as a run with id 42 (matrix backend wasm) would. */
const expand = (value: string) => value.replace(/\$\{\{\s*github\.run_id\s*\}\}/g, '42').replace(/\$\{\{\s*matrix\.backend\s*\}\}/g, 'wasm');

describe.each(Object.entries(GOLDEN_WORKFLOWS))('%s workflows: a class with no goldens', (id, files) => {
  const { dir, manifest } = resolveTemplate(id);
  const tree = renderTemplate(dir, resolveAnswers(manifest, { name: NAME[id] ?? 'wf-check' }), manifest);

  describe.each(files)('%s', (file) => {
    const workflow = parse(renderedBytes(tree.find((f) => f.path === `.github/workflows/${file}`)!).toString('utf8'));
    const job = Object.values(workflow.jobs as Record<string, { env: Record<string, string>; steps: Step[] }>)[0]!;
    const howTo = job.steps.find((s) => s.name === 'Goldens for review (how to commit them)');
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));

    it('fails on an unknown class (DETML_STRICT=1) and always uploads what it recorded', () => {
      expect(job.env.DETML_STRICT).toBe('1');
      expect(howTo?.if).toBe('always()');
      expect(upload?.if).toBe('always()');
      expect(expand(upload!.with!.name!)).toBe(expand(howTo!.env!.ARTIFACT!));
      expect(upload!.with!.path).toMatch(/^out\/$/m);
    });

    /**
     * Runs the step's own script on a workspace like the one the golden check leaves, lays out the artifact the way
     * upload-artifact does (paths relative to the common folder of its `path` entries), then runs the commands the log
     * prints in a checkout and checks they commit exactly the recorded goldens.
     */
    // Only the GPU workflow records (workflow_dispatch input); the CPU CI only checks.
    it.each(file === 'gpu.yml' ? ['check', 'record'] : ['check'])('its log says how to commit the goldens (mode %s), and those commands work', (mode) => {
      const root = tempDir('detml-wf-');
      const work = join(root, 'work');
      const cls = 'cpu-x86_64-test-0123456789ab';
      const recorded = mode === 'check' ? join(work, 'out/candidates', cls) : join(work, 'goldens', cls);
      mkdirSync(recorded, { recursive: true });
      mkdirSync(join(work, 'out'), { recursive: true });
      writeFileSync(join(work, 'out/fingerprint.json'), JSON.stringify({ classKey: cls }));
      writeFileSync(join(recorded, 'case.json'), '{}\n');
      const env = { PATH: process.env.PATH!, ...Object.fromEntries(Object.entries(howTo!.env!).map(([k, v]) => [k, expand(v)])), GITHUB_RUN_ID: '42', GITHUB_REPOSITORY: 'o/r', DETML_GOLDEN_MODE: mode };
      const ran = spawnSync('bash', ['-e', '-c', howTo!.run!], { cwd: work, env, encoding: 'utf8' });
      expect(ran.status, ran.stderr).toBe(0);
      expect(ran.stdout).toContain(`::warning title=detml::goldens for class ${cls} are in the artifact ${expand(upload!.with!.name!)}`);
      const commands = ran.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
      expect(commands[0]).toBe(`gh run download 42 -R o/r -n ${expand(upload!.with!.name!)} -D detml-artifact`);

      const paths = String(upload!.with!.path).split('\n').map((p) => p.trim().replace(/\/$/, '')).filter(Boolean);
      const base = paths.length === 1 ? paths[0]! : '.';
      const checkout = join(root, 'checkout');
      for (const p of paths) if (existsSync(join(work, p))) cpSync(join(work, p), join(checkout, 'detml-artifact', base === '.' ? p : ''), { recursive: true });
      const git = (...args: string[]) => spawnSync('git', args, { cwd: checkout, encoding: 'utf8' });
      git('init', '-q');
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init');
      const rest = commands.slice(1).join(' && ').replace('git commit', 'git -c user.name=t -c user.email=t@t commit');
      const adopted = spawnSync('bash', ['-e', '-c', rest], { cwd: checkout, encoding: 'utf8' });
      expect(adopted.status, adopted.stderr).toBe(0);
      expect(readdirSync(join(checkout, 'goldens', cls))).toEqual(['case.json']);
      expect(git('show', '--name-only', '--format=%s', 'HEAD').stdout.trim().split('\n')).toEqual([`goldens: class ${cls}`, '', `goldens/${cls}/case.json`]);
    });
  });
});
