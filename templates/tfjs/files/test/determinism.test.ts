// Self-consistency (same bytes in-process and across fresh processes), seeded random ops, and the refusals that
// protect them.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import test from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildCases } from '../src/cases.js';
import { loadConfig } from '../src/detml/config.js';
import { initBackend, NODE_GPU_PACKAGE } from '../src/detml/backend.js';
import { checkDeterminism, pinnedFlags, seeded } from '../src/detml/determinism.js';
import { tensorSha256 } from '../src/detml/digest.js';
import { backendFrom, DetmlError, requiredEnv } from '../src/detml/env.js';
import { collectFingerprint, queryGpus } from '../src/detml/fingerprint.js';
import { loadModel, readVerifiedModel } from '../src/detml/model.js';
import { runCases } from '../src/detml/run.js';
import { assertFreshProcessesMatch, runMain, runMainWithConfig, testRefusalsWithout, withFakeGpus, type FakeGpu } from '../src/detml/testing.js';

async function setUp() {
  const { loaded, backend } = checkDeterminism();
  return { loaded, info: await initBackend(backend, loaded.config) };
}

test('identical bytes: twice with one model, with a freshly loaded model, and in two fresh processes', async () => {
  const { loaded } = await setUp();
  const files = () => readVerifiedModel(loaded.modelPath, loaded.config.model);
  const cases = buildCases(loaded.config.seed);
  const first = await loadModel(files());
  const a = await runCases(first, cases);
  const b = await runCases(first, cases);
  first.dispose();
  const second = await loadModel(files());
  const c = await runCases(second, buildCases(loaded.config.seed));
  second.dispose();
  assert.deepEqual(b, a, 'same model, second run');
  assert.deepEqual(c, a, 'freshly loaded model, cases built again');
  assertFreshProcessesMatch(a);
});

test('seeded(): seed 0 is refused, the same seed and name give identical tensors, other names other tensors', async () => {
  await setUp();
  assert.throws(() => seeded('noise', 0), (e: unknown) => e instanceof DetmlError && /non-zero/.test(e.message));
  assert.throws(() => seeded('', 1234), DetmlError);
  const draw = (seed: number) => {
    const t = tf.randomNormal([64, 8], 0, 1, 'float32', seed);
    const sha = tensorSha256(t.dtype, t.shape, t.dataSync() as Float32Array);
    t.dispose();
    return sha;
  };
  assert.equal(draw(seeded('noise', 1234)), draw(seeded('noise', 1234)));
  assert.notEqual(draw(seeded('noise', 1234)), draw(seeded('other-noise', 1234)));
  assert.notEqual(draw(seeded('noise', 1234)), draw(seeded('noise', 1235)));
  for (let s = -50; s <= 50; s++) if (s !== 0) assert.notEqual(seeded('noise', s), 0);
  // Why the guard exists: tfjs itself treats seed 0 as "no seed" and draws from Math.random().
  assert.notEqual(draw(0), draw(0), 'tfjs seed 0 is unseeded');
});

test('the configured backend runs, with its flags pinned and read back', async () => {
  const { loaded, info } = await setUp();
  assert.equal(tf.getBackend(), info.name);
  assert.equal(info.tfjs, '4.22.0');
  assert.deepEqual(info.flags, pinnedFlags(info.name, loaded.config));
  if (info.name === 'wasm') {
    assert.deepEqual(info.flags, { WASM_HAS_SIMD_SUPPORT: loaded.config.wasmSimd, WASM_HAS_MULTITHREAD_SUPPORT: false });
    assert.equal(info.threads, 1);
  }
});

testRefusalsWithout(Object.keys(requiredEnv(loadConfig().config.threads)));

test('an unknown DETML_BACKEND is refused', () => {
  assert.throws(() => backendFrom({ DETML_BACKEND: 'webgl' }, 'wasm'), DetmlError);
  const child = runMain({ ...process.env, DETML_BACKEND: 'webgl' });
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /^detml: DETML_BACKEND must be one of wasm, cpu, tensorflow/);
});

const nodeGpuInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve(NODE_GPU_PACKAGE);
    return true;
  } catch {
    return false;
  }
})();

test('the tensorflow backend without tfjs-node-gpu installed is one clear refusal', { skip: nodeGpuInstalled && 'tfjs-node-gpu is installed' }, () => {
  const child = runMain({ ...process.env, DETML_BACKEND: 'tensorflow' });
  assert.notEqual(child.status, 0);
  assert.equal(child.stdout, '');
  assert.match(child.stderr, /^detml: the tensorflow backend needs @tensorflow\/tfjs-node-gpu, an optional dependency/);
});

test('a model file whose sha256 differs from detml.config.json is refused', () => {
  const loaded = loadConfig();
  const wrong = '0'.repeat(64);
  assert.throws(
    () => readVerifiedModel(loaded.modelPath, { ...loaded.config.model, sha256: wrong }),
    /refusing to load model\/model\.json: sha256 is [0-9a-f]{64}, detml.config.json expects 0{64}/,
  );
  const [shard] = Object.keys(loaded.config.model.weights);
  assert.throws(
    () => readVerifiedModel(loaded.modelPath, { ...loaded.config.model, weights: { [shard!]: wrong } }),
    new RegExp(`refusing to load model/${shard!.replace('.', '\\.')}: sha256 is`),
  );

  const child = runMainWithConfig<{ model: { weights: Record<string, string> } }>((config) => (config.model.weights[shard!] = wrong));
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /^detml: refusing to load model\/weights\.bin: sha256 is /);
});

test('a config with seed 0 is refused', () => {
  const child = runMainWithConfig<{ seed: number }>((config) => (config.seed = 0));
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /"seed" must be a non-zero integer/);
});

test('the fingerprint class key is stable and names the backend, and a missing nvidia-smi means no GPUs', async () => {
  const { loaded, info } = await setUp();
  const one = collectFingerprint(loaded, info);
  const two = collectFingerprint(loaded, info);
  assert.equal(two.classKey, one.classKey);
  assert.match(one.classKey, /^(wasm-(simd|scalar)-t\d+-[a-z0-9_]+-node[\d.]+|cpu-[a-z0-9_]+-node[\d.]+|tf[\d.]+-[a-z0-9_.-]+)-tfjs\d+\.\d+\.\d+-[0-9a-f]{12}$/);
  assert.ok(one.classKey.startsWith(info.name === 'tensorflow' ? 'tf' : info.name));
  assert.deepEqual(queryGpus('detml-no-such-nvidia-smi'), []);
});

test('wasm and cpu ignore the thread variables, so `threads` does not split their classes; the native backend keys them', async () => {
  const { loaded, info } = await setUp();
  const withThreads = (n: number, backend: typeof info) =>
    withFakeGpus([], { TF_NUM_INTRAOP_THREADS: String(n) }, () =>
      collectFingerprint({ ...loaded, config: { ...loaded.config, threads: n } }, backend).classKey,
    );
  for (const name of ['wasm', 'cpu'] as const) {
    const backend = { ...info, name, libtensorflow: null, gpu: null };
    assert.equal(withThreads(4, backend), withThreads(1, backend), `${name}: TF_NUM_INTRAOP_THREADS is not keyed`);
  }
  const native = { ...info, name: 'tensorflow' as const, libtensorflow: '2.9.1', gpu: false, threads: 1 };
  assert.notEqual(withThreads(4, native), withThreads(1, native), 'tensorflow: TF_NUM_INTRAOP_THREADS is keyed');
});

test('on a GPU the class keys the device TensorFlow uses, its memory class and MIG profile, not the driver or other GPUs', async () => {
  const { loaded, info } = await setUp();
  const backend = { ...info, name: 'tensorflow' as const, libtensorflow: '2.9.1', gpu: true, threads: loaded.config.threads };
  const h100: FakeGpu = { index: 0, uuid: 'GPU-aaaa', name: 'NVIDIA H100 80GB HBM3' };
  const l4: FakeGpu = { index: 1, uuid: 'GPU-bbbb', name: 'NVIDIA L4', computeCap: '8.9', memoryMiB: 23034 };
  const key = (gpus: FakeGpu[], visible?: string) => withFakeGpus(gpus, { CUDA_VISIBLE_DEVICES: visible }, () => collectFingerprint(loaded, backend).classKey);
  const alone = key([h100]);
  assert.match(alone, /^tf2\.9\.1-nvidia-h100-80gb-hbm3-80g-cc90-tfjs/);
  assert.equal(key([h100, l4]), alone, 'an unused second GPU');
  assert.equal(key([{ ...h100, driver: '999.1' }]), alone, 'the driver version is recorded, not keyed');
  assert.match(key([h100, l4], '1'), /^tf2\.9\.1-nvidia-l4-24g-cc89-tfjs/);
  assert.match(key([{ ...h100, migMode: 'Enabled', migs: [['1g.10gb', 'MIG-cccc']] }]), /-mig1g.10gb-tfjs/);
});
