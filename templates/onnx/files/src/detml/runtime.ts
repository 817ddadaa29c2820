// onnxruntime behind the Runtime interface (runtime-api.ts) that the shared cli.ts, golden.ts and tests use.
// onnxruntime is imported lazily (session.ts, run.ts), so importing this module loads no native code.
import { loadConfig } from './config.js';
import { assertDeterminismEnv, executionProviderFrom } from './env.js';
import { collectFingerprint } from './fingerprint.js';
import type { Runtime } from './runtime-api.js';

export const runtime: Runtime = {
  checkEnvironment: () => assertDeterminismEnv(),

  async fingerprint() {
    const { onnxruntimeVersion } = await import('./session.js');
    const loaded = loadConfig();
    return collectFingerprint(loaded, executionProviderFrom(process.env, loaded.config.executionProvider), onnxruntimeVersion());
  },

  async run() {
    const { runProject } = await import('./run.js');
    const run = await runProject();
    const fingerprint = collectFingerprint(run.loaded, run.executionProvider, run.onnxruntime);
    // model.sha256 of detml.config.json, which session.ts checked against the file before loading it.
    return { results: run.results, fingerprint, modelSha256: fingerprint.soft.model.sha256 };
  },
};
