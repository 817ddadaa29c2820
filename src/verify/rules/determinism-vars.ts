/** One environment variable a template's determinism depends on, and the values that satisfy it. */
export interface RequiredVar {
  name: string;
  /** What the value must be, as people read it (for messages). */
  expect: string;
  ok(value: string): boolean;
}

const equals = (name: string, expected: string): RequiredVar => ({
  name,
  expect: `"${expected}"`,
  ok: (v) => v === expected,
});
const cublas: RequiredVar = {
  name: 'CUBLAS_WORKSPACE_CONFIG',
  expect: '":4096:8" or ":16:8"',
  ok: (v) => /^:(4096|16):8$/.test(v),
};
const hashSeed: RequiredVar = { name: 'PYTHONHASHSEED', expect: 'a fixed integer', ok: (v) => /^\d+$/.test(v) };

/**
 * The variables each template must set in its Dockerfile and workflows (determinism.md §3): TF32 off and a fixed
 * cuBLAS workspace for CUDA, TF's deterministic ops without oneDNN, vLLM's in-process scheduling and a fixed hash seed.
 */
export const DETERMINISM_ENV: Record<string, RequiredVar[]> = {
  onnx: [equals('NVIDIA_TF32_OVERRIDE', '0'), cublas],
  tfjs: [
    equals('TF_DETERMINISTIC_OPS', '1'),
    equals('TF_ENABLE_ONEDNN_OPTS', '0'),
    equals('NVIDIA_TF32_OVERRIDE', '0'),
  ],
  vllm: [hashSeed, cublas, equals('VLLM_ENABLE_V1_MULTIPROCESSING', '0')],
};

/** What is wrong with one variable in an environment, or undefined when it is set as required. */
export function varProblem(required: RequiredVar, value: string | undefined): string | undefined {
  if (value === undefined) return `${required.name} is not set (must be ${required.expect})`;
  if (value.includes('${{')) return undefined; // an expression: decided at run time, the env guard checks it
  if (!required.ok(value)) return `${required.name} is "${value}" (must be ${required.expect})`;
  return undefined;
}
