// The hardware/software fingerprint of a TensorFlow.js run. `strict` fields decide how the numbers are computed and
// form the golden class key; `soft` fields are recorded and shown in diffs only. Everything in `strict` is stable
// across runs on one machine. Probing the machine, the soft facts and the key's hash are shared (fingerprint-core.ts).
//
// What decides the bytes differs per backend, and so does `strict`:
//   wasm        the wasm binary (tfjs-backend-wasm version + SIMD flag) run by V8 (Node version). WebAssembly float
//               arithmetic is exactly specified, so the CPU model and its ISA flags do not matter, but the
//               architecture does: XNNPACK's wasm build detects x86 vs Arm at start-up and picks other kernels.
//   cpu         JavaScript kernels: V8's Math.exp/tanh/… implementations (Node version) and the architecture.
//   tensorflow  libtensorflow 2.9.1: CPU ISA flags (Eigen kernels), thread count and, on a GPU, the device it places
//               ops on (the first visible one): model, memory size class, compute capability and MIG profile. The
//               driver version is recorded, not keyed: it was found not to change outputs.
// Thread variables are keyed only where the backend reads them: wasm and cpu ignore TF_NUM_INTRAOP_THREADS and
// TF_NUM_INTEROP_THREADS, so a change of `threads` does not split their classes (wasm keys its own thread count).
import type { BackendInfo } from './backend.js';
import type { LoadedConfig } from './config.js';
import { recordedEnvValues, REQUIRED_ENV, requiredEnvValues } from './env.js';
import {
  canonicalJson,
  classKeyOf,
  fingerprintOf,
  isaLevel,
  probeMachine,
  sha256,
  slug,
  softFacts,
  usedDevice,
  type FingerprintOf,
  type KeyedDevice,
  type SoftFacts,
} from './fingerprint-core.js';

export { canonicalJson, cpuInfo, queryGpus, type GpuInfo } from './fingerprint-core.js';

export interface StrictFingerprint {
  template: 'tfjs';
  backend: BackendInfo;
  /** V8 runs the cpu backend's JavaScript and compiles the wasm binary. */
  node: string;
  /** isa and vendor only for the tensorflow backend (native kernels); wasm and cpu depend on the architecture only. */
  cpu: { arch: string; vendor: string | null; isa: string[] };
  /** Only for the tensorflow backend on a GPU: the device TensorFlow places ops on (/GPU:0, the first visible one). */
  device: KeyedDevice | null;
  /** Base image digest (DETML_IMAGE_DIGEST, set by the Dockerfile and the GPU workflow); null outside a container. */
  imageDigest: string | null;
  determinismEnv: Record<string, string | null>;
}

/** The Node version is strict here, so soft leaves it out. */
export type SoftFingerprint = Omit<SoftFacts<LoadedConfig['config']['model'], LoadedConfig['config']>, 'node'>;

export type Fingerprint = FingerprintOf<StrictFingerprint, SoftFingerprint>;

/** Collects the fingerprint of this machine for one configured run. */
export function collectFingerprint(loaded: LoadedConfig, backend: BackendInfo): Fingerprint {
  const native = backend.name === 'tensorflow';
  const machine = probeMachine();
  const { cpu } = machine;
  const strict: StrictFingerprint = {
    template: 'tfjs',
    backend,
    node: process.version,
    cpu: { arch: cpu.arch, vendor: native ? cpu.vendor : null, isa: native ? cpu.isa : [] },
    device: native && backend.gpu ? usedDevice(machine, process.env.CUDA_VISIBLE_DEVICES, 0) : null,
    imageDigest: machine.imageDigest,
    // Only the native backend reads the thread variables; for wasm and cpu they are checked but not keyed.
    determinismEnv: native ? requiredEnvValues(loaded.config.threads) : pick(requiredEnvValues(loaded.config.threads), Object.keys(REQUIRED_ENV)),
  };
  const model = { ...loaded.config.model };
  const soft = softFacts(machine, { raw: loaded.raw, config: loaded.config, model, env: recordedEnvValues() }, ['node']);
  return fingerprintOf(strict, soft, classSlug);
}

/**
 * The class key: a readable slug plus the first 12 hex digits of sha256(canonical JSON of `strict`), e.g.
 * `wasm-simd-t1-x86_64-node20.20.2-tfjs4.22.0-0123456789ab`, `cpu-x86_64-node20.20.2-tfjs4.22.0-0123456789ab`,
 * `tf2.9.1-nvidia-h100-80gb-hbm3-80g-cc90-tfjs4.22.0-0123456789ab` or `tf2.9.1-cpu-x86_64-avx512f-t1-tfjs4.22.0-…`.
 * The slug is for humans; the hash is what makes two classes different.
 */
export function classKey(strict: StrictFingerprint): string {
  return classKeyOf(strict, classSlug);
}

function classSlug(strict: StrictFingerprint): string {
  const { backend } = strict;
  const tfjs = `tfjs${backend.tfjs}`;
  if (backend.name === 'wasm') {
    return `wasm-${backend.flags.WASM_HAS_SIMD_SUPPORT ? 'simd' : 'scalar'}-t${backend.threads}-${strict.cpu.arch}-node${strict.node.replace(/^v/, '')}-${tfjs}`;
  }
  if (backend.name === 'cpu') return `cpu-${strict.cpu.arch}-node${strict.node.replace(/^v/, '')}-${tfjs}`;
  const tf = `tf${backend.libtensorflow ?? 'unknown'}`;
  const d = strict.device;
  if (d) return `${tf}-${slug(d.name)}-${d.memoryClassGiB}g-cc${d.computeCap.replace('.', '')}${d.migProfile ? `-mig${slug(d.migProfile)}` : ''}-${tfjs}`;
  return `${tf}-cpu-${strict.cpu.arch}-${isaLevel(strict.cpu.isa)}-t${backend.threads}-${tfjs}`;
}

function pick<T>(values: Record<string, T>, keys: readonly string[]): Record<string, T> {
  return Object.fromEntries(keys.map((k) => [k, values[k]!]));
}

/** One hash for the whole model (the goldens' modelSha256): sha256 of the canonical JSON of model.json's sha256 and the shards' sha256 values. */
export function modelDigest(model: SoftFingerprint['model']): string {
  return sha256(canonicalJson({ sha256: model.sha256, weights: model.weights }));
}
