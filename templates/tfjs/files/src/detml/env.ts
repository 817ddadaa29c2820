// The determinism environment. This module must not import TensorFlow.js: the entrypoint checks the environment
// first and only then loads a backend, because libtensorflow (and CUDA) read these variables once, when they load.

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

/** An expected refusal: printed as one line, never with a stack trace. */
export class DetmlError extends Error {
  override name = 'DetmlError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** The variables and values required for `threads` native threads. */
export function requiredEnv(threads: number): Record<string, string> {
  return { ...REQUIRED_ENV, ...threadEnv(threads) };
}

/** One sentence per required variable that is missing or has another value; empty when all is well. */
export function determinismEnvProblems(threads: number, env: Env = process.env): string[] {
  return Object.entries(requiredEnv(threads))
    .filter(([key, value]) => env[key] !== value)
    .map(([key, value]) => `${key} must be "${value}" (got ${env[key] === undefined ? 'unset' : JSON.stringify(env[key])})`);
}

/** Throws a one-line DetmlError unless every required variable is set; call it before loading a backend. */
export function assertDeterminismEnv(threads: number, env: Env = process.env): void {
  const problems = determinismEnvProblems(threads, env);
  if (problems.length > 0) {
    throw new DetmlError(
      `refusing to run: ${problems.join('; ')}. Use the npm scripts (they load detml.env) or set them in the environment.`,
    );
  }
}

/** DETML_BACKEND (wasm | cpu | tensorflow), else the config default; anything else is refused. */
export function backendFrom(env: Env, fallback: Backend): Backend {
  const raw = env.DETML_BACKEND;
  if (raw === undefined || raw === '') return fallback;
  if ((BACKENDS as readonly string[]).includes(raw)) return raw as Backend;
  throw new DetmlError(`DETML_BACKEND must be one of ${BACKENDS.join(', ')} (got ${JSON.stringify(raw)})`);
}

/** The required values as they are now (for the fingerprint). */
export function requiredEnvValues(threads: number, env: Env = process.env): Record<string, string | null> {
  return Object.fromEntries(Object.keys(requiredEnv(threads)).map((key) => [key, env[key] ?? null]));
}

/** The recorded allow-list, only the variables that are set. */
export function recordedEnvValues(env: Env = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of RECORDED_ENV) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
