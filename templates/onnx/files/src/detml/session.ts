// Session creation per the ONNX Runtime determinism checklist: every option that can change the order of floating
// point operations is fixed here, and the model bytes are verified before ORT sees them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { env as ortEnv, InferenceSession } from 'onnxruntime-node';
import { PROJECT_ROOT, type LoadedConfig } from './config.js';
import { assertDeterminismEnv, DetmlError, type ExecutionProvider } from './env.js';
import { CUDA_DEVICE_ID } from './fingerprint.js';

/** The onnxruntime version actually loaded (not the one package.json asks for). */
export function onnxruntimeVersion(): string {
  return ortEnv.versions.node ?? ortEnv.versions.common;
}

/** Reads the model and checks its sha256 against the config; a mismatch is refused with the fix in the message. */
export function readVerifiedModel(modelPath: string, expectedSha256: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(modelPath);
  } catch (error) {
    throw new DetmlError(`cannot read model ${modelPath}: ${(error as Error).message}`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expectedSha256) {
    throw new DetmlError(
      `refusing to load ${relative(PROJECT_ROOT, modelPath) || modelPath}: sha256 is ${actual}, detml.config.json expects ${expectedSha256}. ` +
        'If you replaced the model on purpose, update model.sha256 in detml.config.json and re-record the goldens.',
    );
  }
  return bytes;
}

/** The session options; `extra` entries are ORT session config keys and must be strings. */
export function sessionOptions(config: LoadedConfig['config'], ep: ExecutionProvider): InferenceSession.SessionOptions {
  return {
    // Only deviceId can be set for CUDA from Node (use_tf32 / cudnn_conv_algo_search cannot), hence the env vars.
    executionProviders: ep === 'cuda' ? [{ name: 'cuda', deviceId: CUDA_DEVICE_ID }] : ['cpu'],
    graphOptimizationLevel: config.graphOptimizationLevel,
    executionMode: 'sequential', // no inter-op parallelism: node execution order is fixed
    intraOpNumThreads: config.threads, // 0 would mean "all cores", i.e. machine-dependent partitioning
    interOpNumThreads: 1,
    logSeverityLevel: 3, // errors only; warnings about unused initializers would clutter test output
    extra: {
      session: {
        use_deterministic_compute: '1', // deterministic kernels where ORT has them (mainly CUDA reductions)
        set_denormal_as_zero: '0', // keep IEEE denormals; flushing depends on the host's FTZ/DAZ support
        // With CUDA, a node silently placed on the CPU would change numerics: fail session creation instead.
        ...(ep === 'cuda' ? { disable_cpu_ep_fallback: '1' } : {}),
      },
      optimization: { enable_gelu_approximation: '0' },
    },
  };
}

/** Checks the environment, verifies the model, then creates the session. */
export async function createSession(loaded: LoadedConfig, ep: ExecutionProvider): Promise<InferenceSession> {
  assertDeterminismEnv();
  const model = readVerifiedModel(loaded.modelPath, loaded.config.model.sha256);
  try {
    return await InferenceSession.create(model, sessionOptions(loaded.config, ep));
  } catch (error) {
    const hint =
      ep === 'cuda'
        ? " (the CUDA provider is installed by scripts/install-cuda-provider.mjs, as in the Dockerfile; .npmrc skips onnxruntime-node's own download)"
        : '';
    throw new DetmlError(`cannot create an onnxruntime session on ${ep}: ${(error as Error).message.split('\n')[0]}${hint}`);
  }
}
