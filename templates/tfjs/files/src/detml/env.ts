// The determinism environment. This module must not import TensorFlow.js: the entrypoint checks the environment
// first and only then loads a backend, because libtensorflow (and CUDA) read these variables once, when they load.
// The checks themselves are shared with the other Node templates (env-core.ts).
import { assertEnv, choiceFromEnv, envProblems, envValues, setEnvValues, type Env } from './env-core.js';

/** The one-line refusal (main.ts and the tests import it from here). */
export { DetmlError } from './env-core.js';

/** Variables that must hold exactly these values before any backend loads. */
export const REQUIRED_ENV = {
  // Deterministic op implementations in libtensorflow 2.9.1 (tfjs-node-gpu). The C library reads the variable
  // itself; tfjs has no equivalent of Python's tf.config.experimental.enable_op_determinism().
  TF_DETERMINISTIC_OPS: '1',
  // oneDNN CPU kernels are on by default on CPUs with AVX512_VNNI / AVX512_BF16 / AMX and give CPU-model-dependent
  // results; off, TensorFlow uses its Eigen kernels.
  TF_ENABLE_ONEDNN_OPTS: '0',
  // TensorFlow uses TF32 for float32 matmuls and convolutions on Ampere and newer; this disables TF32 in
  // cuBLAS/cuDNN for the whole process.
  NVIDIA_TF32_OVERRIDE: '0',
} as const satisfies Record<string, string>;

/** The native backend's thread pools: intra-op from detml.config.json's `threads`, inter-op 1 (fixed op order). */
export function threadEnv(threads: number): Record<string, string> {
  return { TF_NUM_INTRAOP_THREADS: String(threads), TF_NUM_INTEROP_THREADS: '1' };
}

/** Other variables that can change numerics, placement or threading; recorded (not enforced) in the fingerprint. */
export const RECORDED_ENV = [
  'TF_CUDNN_USE_AUTOTUNE',
  'TF_CUDNN_DETERMINISTIC',
  'TF_GPU_ALLOCATOR',
  'TF_FORCE_GPU_ALLOW_GROWTH',
  'CUDA_VISIBLE_DEVICES',
  'CUBLAS_WORKSPACE_CONFIG',
  'OMP_NUM_THREADS',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'TFJS_NODE_CDN_STORAGE',
  'TFJS_NODE_BASE_URI',
  'DETML_BACKEND',
  'DETML_IMAGE_DIGEST',
  'DETML_REQUIRE_GPU',
] as const;

/** wasm: XNNPACK compiled to WebAssembly; cpu: plain JavaScript kernels; tensorflow: libtensorflow via tfjs-node-gpu. */
export const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;
export type Backend = (typeof BACKENDS)[number];

/** The variables and values required for `threads` native threads. */
export function requiredEnv(threads: number): Record<string, string> {
  return { ...REQUIRED_ENV, ...threadEnv(threads) };
}

/** One sentence per required variable that is missing or has another value; empty when all is well. */
export function determinismEnvProblems(threads: number, env: Env = process.env): string[] {
  return envProblems(requiredEnv(threads), env);
}

/** Throws a one-line DetmlError unless every required variable is set; call it before loading a backend. */
export function assertDeterminismEnv(threads: number, env: Env = process.env): void {
  assertEnv(requiredEnv(threads), env);
}

/** DETML_BACKEND (wasm | cpu | tensorflow), else the config default; anything else is refused. */
export function backendFrom(env: Env, fallback: Backend): Backend {
  return choiceFromEnv(env, 'DETML_BACKEND', BACKENDS, fallback);
}

/** The required values as they are now (for the fingerprint). */
export function requiredEnvValues(threads: number, env: Env = process.env): Record<string, string | null> {
  return envValues(Object.keys(requiredEnv(threads)), env);
}

/** The recorded allow-list, only the variables that are set. */
export function recordedEnvValues(env: Env = process.env): Record<string, string> {
  return setEnvValues(RECORDED_ENV, env);
}
