// Self-consistency (same bytes in-process and across fresh processes) and the refusals that protect it.
import assert from 'node:assert/strict';
import test from 'node:test';
import { InferenceSession } from 'onnxruntime-node';
import { buildCases } from '../src/cases.js';
import { loadConfig } from '../src/detml/config.js';
import { DetmlError, executionProviderFrom, REQUIRED_ENV } from '../src/detml/env.js';
import { cudaHostVersions } from '../src/detml/fingerprint-core.js';
import { collectFingerprint, queryGpus } from '../src/detml/fingerprint.js';
import { runCases } from '../src/detml/run.js';
import { createSession, onnxruntimeVersion, readVerifiedModel, sessionOptions } from '../src/detml/session.js';
import { assertFreshProcessesMatch, runMain, runMainWithConfig, testRefusalsWithout, withFakeGpus, type FakeGpu } from '../src/detml/testing.js';

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
  assertFreshProcessesMatch(a);
});

testRefusalsWithout(Object.keys(REQUIRED_ENV));

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

  const child = runMainWithConfig<{ model: { sha256: string } }>((config) => (config.model.sha256 = wrong));
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /^detml: refusing to load model\/model\.onnx: sha256 is /);
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

test('the CUDA class keys the device in use, its memory class and MIG profile, not the driver or the other GPUs', () => {
  const loaded = loadConfig();
  const h100: FakeGpu = { index: 0, uuid: 'GPU-aaaa', name: 'NVIDIA H100 80GB HBM3' };
  const l4: FakeGpu = { index: 1, uuid: 'GPU-bbbb', name: 'NVIDIA L4', computeCap: '8.9', memoryMiB: 23034 };
  const key = (gpus: FakeGpu[], visible?: string) =>
    withFakeGpus(gpus, { CUDA_VISIBLE_DEVICES: visible }, () => collectFingerprint(loaded, 'cuda', onnxruntimeVersion()).classKey);
  const alone = key([h100]);
  assert.match(alone, /^cuda-nvidia-h100-80gb-hbm3-80g-cc90-ort\d+\.\d+\.\d+-[0-9a-f]{12}$/);
  assert.equal(key([h100, l4]), alone, 'an unused second GPU');
  assert.equal(key([h100, l4], '0'), alone);
  assert.equal(key([{ ...h100, driver: '999.1' }]), alone, 'the driver version is recorded, not keyed');
  assert.match(key([h100, l4], '1'), /^cuda-nvidia-l4-24g-cc89-ort/);
  assert.match(key([{ ...h100, migMode: 'Enabled', migs: [['1g.10gb', 'MIG-cccc']] }]), /^cuda-nvidia-h100-80gb-hbm3-80g-cc90-mig1g.10gb-ort/);
  const fp = withFakeGpus([h100, l4], {}, () => collectFingerprint(loaded, 'cuda', onnxruntimeVersion()));
  assert.equal(fp.soft.gpus.length, 2, 'every GPU is recorded in soft');
  assert.equal(fp.soft.gpus[0]!.driverVersion, '580.65.06');
  assert.equal(collectFingerprint(loaded, 'cpu', onnxruntimeVersion()).strict.device, null, 'a CPU run keys no GPU');
});

test('the host CUDA and cuDNN versions are recorded (soft), not keyed', () => {
  const loaded = loadConfig();
  const fp = collectFingerprint(loaded, 'cpu', onnxruntimeVersion());
  assert.deepEqual(Object.keys(fp.soft.cudaHost), ['cuda', 'cudnn']);
  assert.equal(cudaHostVersions({ NV_CUDNN_VERSION: '9.1.0.70-1' }).cudnn, '9.1.0.70-1');
  assert.ok(!JSON.stringify(fp.strict).includes('cudnn'));
});
