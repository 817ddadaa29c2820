// The determinism environment. This module must not import onnxruntime: the entrypoint checks the environment
// first and only then loads the runtime, because CUDA reads these variables once, when its context is created.

/** Variables that must hold exactly these values before onnxruntime (and CUDA) initialise. */
export const REQUIRED_ENV = {
  // onnxruntime-node's CUDA EP accepts only deviceId, so `use_tf32=0` cannot be passed; this disables TF32 in
  // cuBLAS/cuDNN for the whole process instead.
  NVIDIA_TF32_OVERRIDE: '0',
  // cuBLAS is only reproducible with a fixed workspace configuration when more than one stream is active.
  CUBLAS_WORKSPACE_CONFIG: ':4096:8',
} as const satisfies Record<string, string>;

/** Other variables that can change numerics or threading; recorded (not enforced) in the fingerprint. */
export const RECORDED_ENV = [
  'CUBLASLT_WORKSPACE_SIZE',
  'CUDA_VISIBLE_DEVICES',
  'CUDA_LAUNCH_BLOCKING',
  'OMP_NUM_THREADS',
  'MKL_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'DETML_EXECUTION_PROVIDER',
  'DETML_IMAGE_DIGEST',
] as const;

export const EXECUTION_PROVIDERS = ['cpu', 'cuda'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/** An expected refusal: printed as one line, never with a stack trace. */
export class DetmlError extends Error {
  override name = 'DetmlError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** One sentence per required variable that is missing or has another value; empty when all is well. */
export function determinismEnvProblems(env: Env = process.env): string[] {
  return Object.entries(REQUIRED_ENV)
    .filter(([key, value]) => env[key] !== value)
    .map(([key, value]) => `${key} must be "${value}" (got ${env[key] === undefined ? 'unset' : JSON.stringify(env[key])})`);
}

/** Throws a one-line DetmlError unless every required variable is set; call it before loading onnxruntime. */
export function assertDeterminismEnv(env: Env = process.env): void {
  const problems = determinismEnvProblems(env);
  if (problems.length > 0) {
    throw new DetmlError(
      `refusing to run: ${problems.join('; ')}. Use the npm scripts (they load detml.env) or set them in the environment.`,
    );
  }
}

/** DETML_EXECUTION_PROVIDER (cpu | cuda), else the config default; anything else is refused. */
export function executionProviderFrom(env: Env, fallback: ExecutionProvider): ExecutionProvider {
  const raw = env.DETML_EXECUTION_PROVIDER;
  if (raw === undefined || raw === '') return fallback;
  if ((EXECUTION_PROVIDERS as readonly string[]).includes(raw)) return raw as ExecutionProvider;
  throw new DetmlError(`DETML_EXECUTION_PROVIDER must be one of ${EXECUTION_PROVIDERS.join(', ')} (got ${JSON.stringify(raw)})`);
}

/** The required values as they are now (for the fingerprint). */
export function requiredEnvValues(env: Env = process.env): Record<string, string | null> {
  return Object.fromEntries(Object.keys(REQUIRED_ENV).map((key) => [key, env[key] ?? null]));
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
