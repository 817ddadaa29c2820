// `pins update` on generated projects against a real registry standing in for Docker Hub (--registry-url).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderTemplate } from '../../src/templates/render.ts';
import { runVerify } from '../../src/verify/run-verify.ts';
import { hasDockerRegistry, pushTestImage, startRegistry, type PushedImage, type TestRegistry } from '../helpers/registry.ts';
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
    ['nvidia/cuda', '12.4.1-cudnn-runtime-ubuntu22.04'],
    ['nvidia/cuda', '11.8.0-cudnn8-runtime-ubuntu22.04'],
    ['library/node', '20.20.2-bookworm-slim'],
    ['vllm/vllm-openai', 'v0.21.0'],
    ['detml/test-image', 'v1'],
  ] as const) {
    pushed[`${repo}:${tag}`] = await pushTestImage(registry.url, repo, tag);
  }
});

afterAll(() => registry?.stop());

const pins = (cwd: string, ...args: string[]) => runCli(['pins', 'update', '--registry-url', registry.url, ...args], { cwd });

describe('pins update', () => {
  it('--check reports drift with exit 4 and changes nothing; update rewrites FROM, container and state together', async () => {
    const dir = renderProject('onnx');
    const golden = `{"class": {"image": "sha256:2fcc4280646484290cc50dce5e65f388dd04352b07cbe89a635703bd1f9aedb6"}}\n`;
    write(dir, 'goldens/cpu/x.json', golden);
    const before = read(dir, 'Dockerfile');
    const cuda = pushed['nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04']!.index;
    const node = pushed['library/node:20.20.2-bookworm-slim']!.index;

    const at = (path: string, needle: string) => `${path}:${read(dir, path).split('\n').findIndex((l) => l.includes(needle)) + 1}`;
    const check = await pins(dir, '--check');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(4);
    expect(check.stdout).toContain(`nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04: sha256:2fcc4280646484290cc50dce5e65f388dd04352b07cbe89a635703bd1f9aedb6 -> ${cuda}\n  ${at('Dockerfile', 'FROM --platform=linux/amd64 nvidia')} (FROM), ${at('.github/workflows/gpu.yml', 'image: nvidia')} (container)`);
    expect(check.stdout).toContain(`node:20.20.2-bookworm-slim: sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 -> ${node}\n  ${at('Dockerfile', 'FROM --platform=linux/amd64 node')} (FROM)`);
    expect(check.stdout).toMatch(/2 pin\(s\) differ from the registry/);
    expect(read(dir, 'Dockerfile')).toBe(before);

    const update = await pins(dir);
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/Updated \.github\/workflows\/gpu\.yml, Dockerfile, README\.md, \.detml\/state\.json\./);
    const dockerfile = read(dir, 'Dockerfile');
    expect(dockerfile).toContain(`FROM --platform=linux/amd64 nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04@${cuda}\n`);
    expect(dockerfile).toContain(`node:20.20.2-bookworm-slim@${node} AS build`);
    expect(dockerfile).toContain(`DETML_IMAGE_DIGEST=${cuda}`);
    expect(read(dir, '.github/workflows/gpu.yml')).toContain(`image: nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04@${cuda}\n`);
    expect(read(dir, 'goldens/cpu/x.json')).toBe(golden); // goldens keep the image they were recorded with

    // The state now records the new digest as the answer, so a re-render (what sync does) gives the same bytes.
    const state = readState(dir);
    expect(state.answers.cudaImageDigest).toBe(cuda);
    const { dir: templateDir, manifest } = resolveTemplate('onnx');
    const rerender = renderTemplate(templateDir, state.answers, manifest);
    const rendered = (path: string) => rerender.find((f) => f.path === path)!.contents.toString();
    expect(rendered('.github/workflows/gpu.yml')).toBe(read(dir, '.github/workflows/gpu.yml'));
    // The node build stage is hard-coded in the template, not an answer: only that digest differs from a re-render
    // (the next sync puts the template's back). The state hash of the pristine Dockerfile follows the update.
    expect(rendered('Dockerfile')).toBe(dockerfile.replace(node, 'sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0'));
    expect((await runVerify(dir)).findings).toEqual([]);

    const resolved = await runCli(['pins', 'resolve', 'nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04', '--registry-url', registry.url], { cwd: dir });
    expect(resolved.stdout).toContain(`  default      differs from create-detml's default sha256:2fcc4280646484290cc50dce5e65f388dd04352b07cbe89a635703bd1f9aedb6 (resolved 2024-12-08)\n`);

    const again = await pins(dir, '--check');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('All 2 images are pinned to the current digest of their tags.\n');
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
      expect.objectContaining({ image: `${registry.host}/detml/test-image:v1`, from: pushed['detml/test-image:v1']!.amd64, to: moved.index }),
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
    const digest = (await runCli(['pins', 'resolve', ref, '--json'], { cwd: dir }).then((x) => JSON.parse(x.stdout))).digest as string;
    expect(read(dir, 'Dockerfile')).toBe(`FROM ${ref}@${digest} AS base\nFROM base\n`);
    expect(read(dir, '.github/workflows/ci.yml')).toContain(`container: "${ref}@${digest}"\n`);
  });

  it.skipIf(!availableTemplates().includes('vllm'))('vllm: the lock, config, Dockerfile and workflow move together and verify stays clean', async () => {
    const dir = renderProject('vllm');
    const vllm = pushed['vllm/vllm-openai:v0.21.0']!.index;
    const r = await pins(dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const path of ['Dockerfile', '.github/workflows/gpu.yml', 'detml.lock.json']) expect(read(dir, path)).toContain(vllm);
    expect(readState(dir).answers.vllmImageDigest).toBe(vllm);
    expect((await runVerify(dir)).findings).toEqual([]);
  });

  it('a project without images is an error', async () => {
    const r = await pins(writeTree({ 'README.md': 'hi\n' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: No Dockerfile FROM or workflow container image found in /);
  });
});
