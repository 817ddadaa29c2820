// `pins update` on generated projects against a real registry standing in for Docker Hub (--registry-url).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate } from '../../src/templates/render.ts';
import { runVerify } from '../../src/verify/run-verify.ts';
import {
  hasDockerRegistry,
  pushTestImage,
  startRegistry,
  type PushedImage,
  type TestRegistry,
} from '../helpers/registry.ts';
import { runCli } from '../helpers/run-cli.ts';
import { suiteTempDir } from '../helpers/tmp.ts';
import { read, renderProject, write, writeTree } from '../verify/fixture.ts';

let registry: TestRegistry;
const pushed: Record<string, PushedImage> = {};

beforeAll(async () => {
  if (!hasDockerRegistry()) throw new Error('These tests need a real registry: apt-get install -y docker-registry');
  const dir = suiteTempDir('detml-registry-');
  mkdirSync(join(dir, 'storage'));
  registry = await startRegistry(dir, join(dir, 'storage'));
  for (const [repo, tag] of [
    ['nvidia/cuda', '13.0.3-cudnn-runtime-ubuntu24.04'],
    ['nvidia/cuda', '11.8.0-cudnn8-runtime-ubuntu22.04'],
    ['vllm/vllm-openai', 'v0.21.0'],
    ['detml/test-image', 'v1'],
  ] as const) {
    pushed[`${repo}:${tag}`] = await pushTestImage(registry.url, repo, tag);
  }
});

afterAll(() => registry?.stop());

const pins = (cwd: string, ...args: string[]) =>
  runCli(['pins', 'update', '--registry-url', registry.url, ...args], { cwd });

describe('pins update', () => {
  it('--check reports drift with exit 4 and changes nothing; update rewrites FROM, container and state together', async () => {
    const dir = renderProject('onnx');
    const old = 'sha256:af851538a2bb05f587f27b660d61de3643d964e75ef5c04f4086ff2b36f2a12a';
    const golden = `{"class": {"image": "${old}"}}\n`;
    write(dir, 'goldens/cpu/x.json', golden);
    const before = read(dir, 'Dockerfile');
    const cuda = pushed['nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04']!.index;

    const lines = (path: string, needle: string) =>
      read(dir, path)
        .split('\n')
        .flatMap((l, i) => (l.includes(needle) ? [`${path}:${i + 1}`] : []));
    const check = await pins(dir, '--check');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(4);
    // The build and the run stage both start from the CUDA image (Node comes from sha256-checked tarballs).
    const froms = lines('Dockerfile', 'FROM --platform=linux/amd64 nvidia');
    expect(froms).toHaveLength(2);
    expect(check.stdout).toContain(
      `nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04: ${old} -> ${cuda}\n  ${froms.map((f) => `${f} (FROM)`).join(', ')}, ${lines('.github/workflows/gpu.yml', 'image: nvidia')[0]} (container)`,
    );
    expect(check.stdout).toMatch(/1 pin\(s\) differ from the registry/);
    expect(read(dir, 'Dockerfile')).toBe(before);

    const update = await pins(dir);
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(
      /Updated \.github\/workflows\/gpu\.yml, Dockerfile, README\.md, \.detml\/state\.json\./,
    );
    const dockerfile = read(dir, 'Dockerfile');
    expect(dockerfile).toContain(
      `FROM --platform=linux/amd64 nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04@${cuda} AS build\n`,
    );
    expect(dockerfile).toContain(`FROM --platform=linux/amd64 nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04@${cuda}\n`);
    expect(dockerfile).toContain(`DETML_IMAGE_DIGEST=${cuda}`);
    expect(read(dir, '.github/workflows/gpu.yml')).toContain(
      `image: nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04@${cuda}\n`,
    );
    expect(read(dir, 'goldens/cpu/x.json')).toBe(golden); // goldens keep the image they were recorded with

    // The state now records the new digest as the answer, so a re-render (what sync does) gives the same bytes.
    const state = readState(dir);
    expect(state.answers.cudaImageDigest).toBe(cuda);
    const { dir: templateDir, manifest } = resolveTemplate('onnx');
    const rerender = renderTemplate(templateDir, state.answers, manifest);
    const rendered = (path: string) => renderedBytes(rerender.find((f) => f.path === path)!).toString();
    expect(rendered('.github/workflows/gpu.yml')).toBe(read(dir, '.github/workflows/gpu.yml'));
    expect(rendered('Dockerfile')).toBe(dockerfile);
    expect((await runVerify(dir)).findings).toEqual([]);

    const resolved = await runCli(
      ['pins', 'resolve', 'nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04', '--registry-url', registry.url],
      { cwd: dir },
    );
    expect(resolved.stdout).toContain(
      `  default      differs from create-detml's default ${old} (resolved 2026-12-02)\n`,
    );

    const again = await pins(dir, '--check');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('All 1 image is pinned to the current digest of its tag.\n');
  });

  it('a re-pushed tag is drift again; a pin equal to a platform manifest of the tag is current', async () => {
    const dir = writeTree({
      Dockerfile: `FROM ${registry.host}/detml/test-image:v1@${pushed['detml/test-image:v1']!.amd64}\n`,
    });
    expect((await pins(dir, '--check')).code).toBe(0);
    const moved = await pushTestImage(registry.url, 'detml/test-image', 'v1', 'v2');
    const check = await pins(dir, '--check', '--json');
    expect(check.code).toBe(4);
    expect(JSON.parse(check.stdout).changes).toEqual([
      expect.objectContaining({
        image: `${registry.host}/detml/test-image:v1`,
        from: pushed['detml/test-image:v1']!.amd64,
        to: moved.index,
      }),
    ]);
  });

  it('pins an unpinned FROM and container image in place, keeping the tag', async () => {
    const ref = `${registry.host}/detml/test-image:v1`;
    const dir = writeTree({
      Dockerfile: `FROM ${ref} AS base\nFROM base\n`,
      '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: "${ref}"\n    steps:\n      - run: true\n`,
    });
    const r = await pins(dir);
    expect(r.code).toBe(0);
    const digest = (await runCli(['pins', 'resolve', ref, '--json'], { cwd: dir }).then((x) => JSON.parse(x.stdout)))
      .digest as string;
    expect(read(dir, 'Dockerfile')).toBe(`FROM ${ref}@${digest} AS base\nFROM base\n`);
    expect(read(dir, '.github/workflows/ci.yml')).toContain(`container: "${ref}@${digest}"\n`);
  });

  it.skipIf(!availableTemplates().includes('vllm'))(
    'vllm: the lock, config, Dockerfile and workflow move together and verify stays clean',
    async () => {
      const dir = renderProject('vllm');
      const vllm = pushed['vllm/vllm-openai:v0.21.0']!.index;
      const r = await pins(dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const path of ['Dockerfile', '.github/workflows/gpu.yml', 'detml.lock.json'])
        expect(read(dir, path)).toContain(vllm);
      expect(readState(dir).answers.vllmImageDigest).toBe(vllm);
      expect((await runVerify(dir)).findings).toEqual([]);
    },
  );

  it('a project without images is an error', async () => {
    const r = await pins(writeTree({ 'README.md': 'hi\n' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: No Dockerfile FROM or workflow container image found in /);
  });
});
