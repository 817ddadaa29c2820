// Self-consistency (same bytes in-process and across fresh processes) and the refusals that protect it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { InferenceSession } from 'onnxruntime-node';
import { buildCases } from '../src/cases.js';
import { loadConfig } from '../src/detml/config.js';
import { DetmlError, executionProviderFrom, REQUIRED_ENV } from '../src/detml/env.js';
import { collectFingerprint, queryGpus } from '../src/detml/fingerprint.js';
import { runCases } from '../src/detml/run.js';
import { createSession, onnxruntimeVersion, readVerifiedModel, sessionOptions } from '../src/detml/session.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** Runs the compiled entrypoint in a fresh process with exactly this environment. */
function runMain(env: Record<string, string | undefined>, args: string[] = []) {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return spawnSync(process.execPath, [MAIN, ...args], { env: clean, encoding: 'utf8' });
}

test('identical bytes: twice in one session, in a fresh session, and in two fresh processes', async () => {
  const loaded = loadConfig();
  const ep = executionProviderFrom(process.env, loaded.config.executionProvider);
  const cases = buildCases(loaded.config.seed);
  const first = await createSession(loaded, ep);
  const a = await runCases(first, cases);
  const b = await runCases(first, cases);
  await first.release();
  const second = await createSession(loaded, ep);
  const c = await runCases(second, cases);
  await second.release();
  assert.deepEqual(b, a, 'same session, second run');
  assert.deepEqual(c, a, 'fresh session');

  const processes = [1, 2].map(() => {
    const child = runMain(process.env, ['--json']);
    assert.equal(child.status, 0, child.stderr);
    return (JSON.parse(child.stdout) as { cases: unknown }).cases;
  });
  assert.deepEqual(processes[0], a, 'fresh process 1 vs in-process');
  assert.deepEqual(processes[1], a, 'fresh process 2 vs in-process');
});

for (const key of Object.keys(REQUIRED_ENV)) {
  test(`the entrypoint refuses to run without ${key}`, () => {
    for (const value of [undefined, 'wrong']) {
      const child = runMain({ ...process.env, [key]: value });
      assert.notEqual(child.status, 0);
      assert.equal(child.stdout, '');
      const lines = child.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one clear line, got:\n${child.stderr}`);
      assert.match(lines[0]!, new RegExp(`^detml: refusing to run: ${key} must be`));
    }
  });
}

test('an unknown DETML_EXECUTION_PROVIDER is refused', () => {
  assert.throws(() => executionProviderFrom({ DETML_EXECUTION_PROVIDER: 'gpu' }, 'cpu'), DetmlError);
  const child = runMain({ ...process.env, DETML_EXECUTION_PROVIDER: 'gpu' });
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /^detml: DETML_EXECUTION_PROVIDER must be one of cpu, cuda/);
});

test('a model whose sha256 differs from detml.config.json is refused', () => {
  const loaded = loadConfig();
  const wrong = '0'.repeat(64);
  assert.throws(() => readVerifiedModel(loaded.modelPath, wrong), /refusing to load .*sha256 is [0-9a-f]{64}, detml.config.json expects 0{64}/);

  const dir = mkdtempSync(join(tmpdir(), 'detml-config-'));
  try {
    const config = JSON.parse(readFileSync(loaded.file, 'utf8')) as { model: { sha256: string } };
    config.model.sha256 = wrong;
    writeFileSync(join(dir, 'detml.config.json'), JSON.stringify(config));
    const child = runMain({ ...process.env, DETML_CONFIG: join(dir, 'detml.config.json') });
    assert.notEqual(child.status, 0);
    assert.match(child.stderr, /^detml: refusing to load model\/model\.onnx: sha256 is /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('onnxruntime-node honours session config entries (`extra`), which the determinism settings rely on', async () => {
  // Unknown keys are accepted silently, so prove that a known key reaches ORT: disabling CPU fallback on a
  // CPU-only session must make creation fail. If an ORT upgrade drops `extra`, this test says so.
  const loaded = loadConfig();
  const model = readVerifiedModel(loaded.modelPath, loaded.config.model.sha256);
  const options = sessionOptions(loaded.config, 'cpu');
  const extra = { ...options.extra, session: { ...(options.extra?.session as object), disable_cpu_ep_fallback: '1' } };
  await assert.rejects(InferenceSession.create(model, { ...options, extra, logSeverityLevel: 4 }));
});

test('the fingerprint class key is stable, and a missing nvidia-smi means no GPUs', () => {
  const loaded = loadConfig();
  const ep = executionProviderFrom(process.env, loaded.config.executionProvider);
  const one = collectFingerprint(loaded, ep, onnxruntimeVersion());
  const two = collectFingerprint(loaded, ep, onnxruntimeVersion());
  assert.equal(two.classKey, one.classKey);
  assert.match(one.classKey, /^(cpu|cuda)-[a-z0-9_.-]+-ort\d+\.\d+\.\d+-[0-9a-f]{12}$/);
  assert.deepEqual(queryGpus('detml-no-such-nvidia-smi'), []);
});
