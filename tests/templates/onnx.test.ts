import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { renderTemplate, treeHash } from '../../src/templates/render.ts';
import { ROOT } from '../helpers/paths.ts';
import { runAsync } from '../helpers/run-async.ts';
import { runCli } from '../helpers/run-cli.ts';
import { suiteTempDir } from '../helpers/tmp.ts';
import { actionlintProblems, dockerfileFroms, workflowParserProblems } from '../helpers/validate.ts';

const template = resolveTemplate('onnx');
const render = (answers: Record<string, unknown> = {}) => renderTemplate(template.dir, resolveAnswers(template.manifest, { name: 'onnx-check', ...answers }), template.manifest);
const text = (tree: ReturnType<typeof render>, path: string) => tree.find((f) => f.path === path)!.contents.toString('utf8');

describe('onnx template: what it renders', () => {
  const tree = render();

  it('is pure: the same answers give the same bytes, and the file list is the contract', () => {
    expect(treeHash(render())).toBe(treeHash(tree));
    expect(treeHash(render({ seed: 7 }))).not.toBe(treeHash(tree));
    expect(tree.map((f) => f.path)).toEqual([
      '.dockerignore',
      '.github/workflows/ci.yml',
      '.github/workflows/detml-sync.yml',
      '.github/workflows/gpu.yml',
      '.gitignore',
      '.npmrc',
      '.nvmrc',
      'Dockerfile',
      'README.md',
      'detml.config.json',
      'detml.env',
      'goldens/README.md',
      'model/model.onnx',
      'package-lock.json',
      'package.json',
      'scripts/check-pins.mjs',
      'src/cases.ts',
      'src/detml/cli.ts',
      'src/detml/config.ts',
      'src/detml/digest.ts',
      'src/detml/env.ts',
      'src/detml/fingerprint.ts',
      'src/detml/golden.ts',
      'src/detml/prng.ts',
      'src/detml/run.ts',
      'src/detml/session.ts',
      'src/main.ts',
      'test/determinism.test.ts',
      'test/golden.test.ts',
      'tsconfig.json',
    ]);
  });

  it.each(['.github/workflows/ci.yml', '.github/workflows/gpu.yml'])('%s passes actionlint and GitHub’s workflow parser', async (path) => {
    const source = text(tree, path);
    expect(await actionlintProblems(path, source)).toEqual([]);
    expect(await workflowParserProblems(path, source)).toEqual([]);
    for (const uses of source.matchAll(/uses:\s*(\S+)/g)) expect(uses[1]).toMatch(/@[0-9a-f]{40}$/);
  });

  it('pins the GPU job’s container by digest and keeps fork PRs off the GPU box', () => {
    const gpu = text(tree, '.github/workflows/gpu.yml');
    expect(gpu).toContain(`image: nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04@${template.manifest.questions.find((q) => q.name === 'cudaImageDigest')!.default}`);
    expect(gpu).toContain('--gpus all');
    expect(gpu).toMatch(/if: .*github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(render({ gpuRunner: 'gpu-t4-4-core' }).find((f) => f.path === '.github/workflows/gpu.yml')!.contents.toString()).toContain(`fromJSON('["gpu-t4-4-core"]')`);
  });

  it('pins every Dockerfile FROM by digest and sets the determinism environment', () => {
    const dockerfile = text(tree, 'Dockerfile');
    for (const from of dockerfileFroms(dockerfile)) expect(from.digest, from.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(dockerfile).toMatch(/NVIDIA_TF32_OVERRIDE=0/);
    expect(dockerfile).toMatch(/CUBLAS_WORKSPACE_CONFIG=:4096:8/);
    expect(dockerfile).toMatch(/^USER (?!root)/m);
  });

  it('ships the model that scripts/build-onnx-model.mjs rebuilds byte for byte', () => {
    const check = spawnSync(process.execPath, ['scripts/build-onnx-model.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('pins exact dependency versions, matching the shipped lockfile', () => {
    const pkg = JSON.parse(text(tree, 'package.json'));
    const lock = JSON.parse(text(tree, 'package-lock.json'));
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, range] of Object.entries(deps as Record<string, string>)) {
        expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
        expect(lock.packages[`node_modules/${name}`].version).toBe(range);
        expect(lock.packages[`node_modules/${name}`].integrity).toMatch(/^sha512-/);
      }
    }
    expect(lock.name).toBe('onnx-check');
    expect(text(tree, '.nvmrc').trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('onnx template: a generated project works (installs and passes its own tests)', () => {
  let dir = '';
  const npm = (args: string[], env: Record<string, string> = {}) => runAsync('npm', args, { cwd: dir, env: { ONNXRUNTIME_NODE_INSTALL: '', ...env } });

  beforeAll(async () => {
    const cwd = suiteTempDir('detml-onnx-');
    const created = await runCli(['my-onnx', '--template', 'onnx', '--yes'], { cwd, timeoutMs: 280_000 });
    expect(created.code, created.stderr).toBe(0);
    dir = join(cwd, 'my-onnx');
  }, 300_000);

  it('create installed it without touching the shipped lockfile', () => {
    expect(existsSync(join(dir, 'node_modules', 'onnxruntime-node', 'package.json'))).toBe(true);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
  });

  it('npm ci works from the lockfile with no CUDA download, and lint passes', async () => {
    const ci = await npm(['ci', '--no-audit', '--no-fund']);
    expect(ci.status, ci.stderr).toBe(0);
    const lint = await npm(['run', 'lint']);
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  }, 240_000);

  it('records goldens for this CPU class, then checks them; a changed golden fails with a readable diff', async () => {
    const first = await npm(['test']);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout + first.stderr).toMatch(/no goldens for hardware class/);

    const record = await npm(['test'], { DETML_GOLDEN_MODE: 'record' });
    expect(record.status, record.stdout + record.stderr).toBe(0);
    const classes = readdirSync(join(dir, 'goldens'), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(classes).toHaveLength(1);
    const classDir = join(dir, 'goldens', classes[0]!.name);
    expect(readdirSync(classDir).length).toBeGreaterThan(0);

    const check = await npm(['test']);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).not.toMatch(/no goldens for hardware class/);

    const golden = join(classDir, readdirSync(classDir)[0]!);
    const json = JSON.parse(readFileSync(golden, 'utf8'));
    const tampered = JSON.stringify(json).replace(/"sha256":"([0-9a-f])/, (_, c: string) => `"sha256":"${c === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(JSON.stringify(json));
    writeFileSync(golden, tampered);
    const broken = await npm(['test']);
    expect(broken.status).not.toBe(0);
    expect(broken.stdout + broken.stderr).toMatch(/expected|mismatch/i);
  }, 240_000);
});
