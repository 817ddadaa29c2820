// The determinism environment. This module must not import onnxruntime: the entrypoint checks the environment
// first and only then loads the runtime, because CUDA reads these variables once, when its context is created.
// The checks themselves are shared with the other Node templates (env-core.ts).
import { assertEnv, choiceFromEnv, envProblems, envValues, setEnvValues, type Env } from './env-core.js';

/** The one-line refusal (main.ts and the tests import it from here). */
export { DetmlError } from './env-core.js';

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

/** One sentence per required variable that is missing or has another value; empty when all is well. */
export function determinismEnvProblems(env: Env = process.env): string[] {
  return envProblems(REQUIRED_ENV, env);
}

/** Throws a one-line DetmlError unless every required variable is set; call it before loading onnxruntime. */
export function assertDeterminismEnv(env: Env = process.env): void {
  assertEnv(REQUIRED_ENV, env);
}

/** DETML_EXECUTION_PROVIDER (cpu | cuda), else the config default; anything else is refused. */
export function executionProviderFrom(env: Env, fallback: ExecutionProvider): ExecutionProvider {
  return choiceFromEnv(env, 'DETML_EXECUTION_PROVIDER', EXECUTION_PROVIDERS, fallback);
}

/** The required values as they are now (for the fingerprint). */
export function requiredEnvValues(env: Env = process.env): Record<string, string | null> {
  return envValues(Object.keys(REQUIRED_ENV), env);
}

/** The recorded allow-list, only the variables that are set. */
export function recordedEnvValues(env: Env = process.env): Record<string, string> {
  return setEnvValues(RECORDED_ENV, env);
}
