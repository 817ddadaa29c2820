// The hardware/software fingerprint of a TensorFlow.js run. `strict` fields decide how the numbers are computed and
// form the golden class key; `soft` fields are recorded and shown in diffs only. Everything in `strict` is stable
// across runs on one machine. Probing the machine, the soft facts and the key's hash are shared (fingerprint-core.ts).
//
// What decides the bytes differs per backend, and so does `strict`:
//   wasm        the wasm binary (tfjs-backend-wasm version + SIMD flag) run by V8 (Node version). WebAssembly float
//               arithmetic is exactly specified, so the CPU model and its ISA flags do not matter, but the
//               architecture does: XNNPACK's wasm build detects x86 vs Arm at start-up and picks other kernels.
//   cpu         JavaScript kernels: V8's Math.exp/tanh/… implementations (Node version) and the architecture.
//   tensorflow  libtensorflow 2.9.1: CPU ISA flags (Eigen kernels), thread count and, on a GPU, each GPU's model,
//               SM configuration and driver (libtensorflow 2.9.1 has no Hopper kernels; the driver JIT-compiles them).
import type { BackendInfo } from './backend.js';
import type { LoadedConfig } from './config.js';
import { recordedEnvValues, requiredEnvValues } from './env.js';
import {
  canonicalJson,
  classKeyOf,
  fingerprintOf,
  isaLevel,
  probeMachine,
  sha256,
  slug,
  softFacts,
  type FingerprintOf,
  type GpuInfo,
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
  /** Only for the tensorflow backend on a GPU; driver included, see the file comment. */
  gpus: GpuInfo[];
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
  const { cpu, gpus } = machine;
  const strict: StrictFingerprint = {
    template: 'tfjs',
    backend,
    node: process.version,
    cpu: { arch: cpu.arch, vendor: native ? cpu.vendor : null, isa: native ? cpu.isa : [] },
    gpus: native && backend.gpu ? gpus : [],
    imageDigest: machine.imageDigest,
    determinismEnv: requiredEnvValues(loaded.config.threads),
  };
  const model = { ...loaded.config.model };
  const soft = softFacts(machine, { raw: loaded.raw, config: loaded.config, model, env: recordedEnvValues() }, ['node']);
  return fingerprintOf(strict, soft, classSlug);
}

/**
 * The class key: a readable slug plus the first 12 hex digits of sha256(canonical JSON of `strict`), e.g.
 * `wasm-simd-t1-x86_64-node20.20.2-tfjs4.22.0-0123456789ab`, `cpu-x86_64-node20.20.2-tfjs4.22.0-0123456789ab`,
 * `tf2.9.1-nvidia-h100-80gb-hbm3-cc90-x1-tfjs4.22.0-0123456789ab` or `tf2.9.1-cpu-x86_64-avx512f-t1-tfjs4.22.0-…`.
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
  const first = strict.gpus[0];
  if (first) return `${tf}-${slug(first.name)}-cc${first.computeCap.replace('.', '')}-x${strict.gpus.length}-${tfjs}`;
  return `${tf}-cpu-${strict.cpu.arch}-${isaLevel(strict.cpu.isa)}-t${backend.threads}-${tfjs}`;
}

/** One hash for the whole model (the goldens' modelSha256): sha256 of the canonical JSON of model.json's sha256 and the shards' sha256 values. */
export function modelDigest(model: SoftFingerprint['model']): string {
  return sha256(canonicalJson({ sha256: model.sha256, weights: model.weights }));
}
