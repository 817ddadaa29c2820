// The hardware/software fingerprint of an onnxruntime run. `strict` fields decide how the numbers are computed and
// form the golden class key; `soft` fields are recorded and shown in diffs only. Everything in `strict` is stable
// across runs on one machine. Probing the machine, the soft facts and the key's hash are shared (fingerprint-core.ts).
import type { LoadedConfig } from './config.js';
import { recordedEnvValues, requiredEnvValues, type ExecutionProvider } from './env.js';
import {
  classKeyOf,
  cudaHostVersions,
  fingerprintOf,
  isaLevel,
  probeMachine,
  slug,
  softFacts,
  usedDevice,
  type FingerprintOf,
  type KeyedDevice,
  type SoftFacts,
} from './fingerprint-core.js';

export { canonicalJson, cpuInfo, queryGpus, type GpuInfo } from './fingerprint-core.js';

export interface StrictFingerprint {
  template: 'onnx';
  executionProvider: ExecutionProvider;
  onnxruntime: string;
  session: { graphOptimizationLevel: string; executionMode: 'sequential'; intraOpNumThreads: number; interOpNumThreads: number };
  /** CPU kernels are chosen by ISA at run time (AVX2 vs AVX-512 vs AMX vs NEON give different bytes). */
  cpu: { arch: string; vendor: string; isa: string[] };
  /**
   * Only for the CUDA EP: the one device the session runs on (CUDA_VISIBLE_DEVICES, then deviceId 0), not every GPU in
   * the box; a CPU run does not depend on the GPUs present. Driver version and exact MiB are soft (see KeyedDevice).
   */
  device: KeyedDevice | null;
  /** Base image digest (DETML_IMAGE_DIGEST, set by the Dockerfile and the GPU workflow); null outside a container. */
  imageDigest: string | null;
  determinismEnv: Record<string, string | null>;
}

/** The CPU vendor is strict here, so soft leaves it out; it adds the host's CUDA and cuDNN versions (onnxruntime-node loads the host's libraries). */
export type SoftFingerprint = Omit<SoftFacts<{ path: string; sha256: string }, LoadedConfig['config']>, 'cpuVendor'> & {
  cudaHost: { cuda: string | null; cudnn: string | null };
};

export type Fingerprint = FingerprintOf<StrictFingerprint, SoftFingerprint>;

/** The CUDA device id session.ts gives the CUDA execution provider (the first visible device). */
export const CUDA_DEVICE_ID = 0;

/** Collects the fingerprint of this machine for one configured run. */
export function collectFingerprint(loaded: LoadedConfig, ep: ExecutionProvider, onnxruntime: string): Fingerprint {
  const machine = probeMachine();
  const { cpu } = machine;
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
    device: ep === 'cuda' ? usedDevice(machine, process.env.CUDA_VISIBLE_DEVICES, CUDA_DEVICE_ID) : null,
    imageDigest: machine.imageDigest,
    determinismEnv: requiredEnvValues(),
  };
  const model = { path: loaded.config.model.path, sha256: loaded.config.model.sha256 };
  const soft = { ...softFacts(machine, { raw: loaded.raw, config: loaded.config, model, env: recordedEnvValues() }, ['cpuVendor']), cudaHost: cudaHostVersions() };
  return fingerprintOf(strict, soft, classSlug);
}

/**
 * The class key: a readable slug plus the first 12 hex digits of sha256(canonical JSON of `strict`), e.g.
 * `cpu-x86_64-avx512f-t1-ort1.30.0-0123456789ab` or `cuda-nvidia-h100-80gb-hbm3-80g-cc90-ort1.30.0-0123456789ab`
 * (`-mig1g.10gb` after the compute capability on a MIG slice).
 * The slug is for humans; the hash is what makes two classes different.
 */
export function classKey(strict: StrictFingerprint): string {
  return classKeyOf(strict, classSlug);
}

function classSlug(strict: StrictFingerprint): string {
  const ort = `ort${strict.onnxruntime}`;
  if (strict.executionProvider === 'cuda') {
    const d = strict.device;
    const gpu = d ? `${slug(d.name)}-${d.memoryClassGiB}g-cc${d.computeCap.replace('.', '')}${d.migProfile ? `-mig${slug(d.migProfile)}` : ''}` : 'nogpu';
    return `cuda-${gpu}-${ort}`;
  }
  return `cpu-${strict.cpu.arch}-${isaLevel(strict.cpu.isa)}-t${strict.session.intraOpNumThreads}-${ort}`;
}
