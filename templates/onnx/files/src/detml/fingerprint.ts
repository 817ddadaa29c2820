// The hardware/software fingerprint of an onnxruntime run. `strict` fields decide how the numbers are computed and
// form the golden class key; `soft` fields are recorded and shown in diffs only. Everything in `strict` is stable
// across runs on one machine. Probing the machine, the soft facts and the key's hash are shared (fingerprint-core.ts).
import type { LoadedConfig } from './config.js';
import { recordedEnvValues, requiredEnvValues, type ExecutionProvider } from './env.js';
import { classKeyOf, fingerprintOf, isaLevel, probeMachine, slug, softFacts, type FingerprintOf, type GpuInfo, type SoftFacts } from './fingerprint-core.js';

export { canonicalJson, cpuInfo, queryGpus, type GpuInfo } from './fingerprint-core.js';

export interface StrictFingerprint {
  template: 'onnx';
  executionProvider: ExecutionProvider;
  onnxruntime: string;
  session: { graphOptimizationLevel: string; executionMode: 'sequential'; intraOpNumThreads: number; interOpNumThreads: number };
  /** CPU kernels are chosen by ISA at run time (AVX2 vs AVX-512 vs AMX vs NEON give different bytes). */
  cpu: { arch: string; vendor: string; isa: string[] };
  /** Only for the CUDA EP; a CPU run does not depend on the GPUs present. Driver version is soft. */
  gpus: Array<Omit<GpuInfo, 'driverVersion'>>;
  /** Base image digest (DETML_IMAGE_DIGEST, set by the Dockerfile and the GPU workflow); null outside a container. */
  imageDigest: string | null;
  determinismEnv: Record<string, string | null>;
}

/** The CPU vendor is strict here, so soft leaves it out. */
export type SoftFingerprint = Omit<SoftFacts<{ path: string; sha256: string }, LoadedConfig['config']>, 'cpuVendor'>;

export type Fingerprint = FingerprintOf<StrictFingerprint, SoftFingerprint>;

/** Collects the fingerprint of this machine for one configured run. */
export function collectFingerprint(loaded: LoadedConfig, ep: ExecutionProvider, onnxruntime: string): Fingerprint {
  const machine = probeMachine();
  const { cpu, gpus } = machine;
  const strict: StrictFingerprint = {
    template: 'onnx',
    executionProvider: ep,
    onnxruntime,
    session: {
      graphOptimizationLevel: loaded.config.graphOptimizationLevel,
      executionMode: 'sequential',
      intraOpNumThreads: loaded.config.threads,
      interOpNumThreads: 1,
    },
    cpu: { arch: cpu.arch, vendor: cpu.vendor, isa: ep === 'cpu' ? cpu.isa : [] },
    gpus: ep === 'cuda' ? gpus.map(({ driverVersion: _driver, ...gpu }) => gpu) : [],
    imageDigest: machine.imageDigest,
    determinismEnv: requiredEnvValues(),
  };
  const model = { path: loaded.config.model.path, sha256: loaded.config.model.sha256 };
  const soft = softFacts(machine, { raw: loaded.raw, config: loaded.config, model, env: recordedEnvValues() }, ['cpuVendor']);
  return fingerprintOf(strict, soft, classSlug);
}

/**
 * The class key: a readable slug plus the first 12 hex digits of sha256(canonical JSON of `strict`), e.g.
 * `cpu-x86_64-avx512f-t1-ort1.30.0-0123456789ab` or `cuda-nvidia-h100-80gb-hbm3-cc90-x1-ort1.30.0-0123456789ab`.
 * The slug is for humans; the hash is what makes two classes different.
 */
export function classKey(strict: StrictFingerprint): string {
  return classKeyOf(strict, classSlug);
}

function classSlug(strict: StrictFingerprint): string {
  const ort = `ort${strict.onnxruntime}`;
  if (strict.executionProvider === 'cuda') {
    const first = strict.gpus[0];
    const gpu = first ? `${slug(first.name)}-cc${first.computeCap.replace('.', '')}` : 'nogpu';
    return `cuda-${gpu}-x${strict.gpus.length}-${ort}`;
  }
  return `cpu-${strict.cpu.arch}-${isaLevel(strict.cpu.isa)}-t${strict.session.intraOpNumThreads}-${ort}`;
}
