// TensorFlow.js behind the Runtime interface (runtime-api.ts) that the shared cli.ts, golden.ts and tests use.
// The backend is imported lazily (backend.ts, run.ts), after the environment check, because importing tfjs-node-gpu
// loads libtensorflow and CUDA.
import { loadConfig } from './config.js';
import { checkDeterminism } from './determinism.js';
import { backendFrom } from './env.js';
import { collectFingerprint, modelDigest } from './fingerprint.js';
import type { Runtime } from './runtime-api.js';

export const runtime: Runtime = {
  checkEnvironment: () => void checkDeterminism(),

  async fingerprint() {
    const loaded = loadConfig();
    const backend = backendFrom(process.env, loaded.config.backend);
    const { initBackend } = await import('./backend.js');
    return collectFingerprint(loaded, await initBackend(backend, loaded.config));
  },

  async run() {
    const { runProject } = await import('./run.js');
    const run = await runProject();
    const fingerprint = collectFingerprint(run.loaded, run.backend);
    return { results: run.results, fingerprint, modelSha256: modelDigest(fingerprint.soft.model) };
  },
};
