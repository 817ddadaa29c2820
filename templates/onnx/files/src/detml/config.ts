// detml.config.json: the inputs that decide what the project computes (seed, threads, model and its sha256).
// Reading the file is shared with the other Node templates (config-core.ts); the fields are checked here.
import { configFile, isObject, readConfig, SHA256_HEX, type Fail, type LoadedConfigOf } from './config-core.js';
import { EXECUTION_PROVIDERS, type ExecutionProvider } from './env.js';

export { PROJECT_ROOT } from './config-core.js';

const OPT_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimizationLevel = (typeof OPT_LEVELS)[number];

export interface DetmlConfig {
  /** Seeds the generated inputs; never 0 (several frameworks read 0 as "unseeded"). */
  seed: number;
  /** ORT intra-op threads; part of the hardware class, because reductions may be split per thread. */
  threads: number;
  /** Default execution provider; DETML_EXECUTION_PROVIDER overrides it. */
  executionProvider: ExecutionProvider;
  /** Fixed, because graph rewrites (fusions) change the order of floating-point operations. */
  graphOptimizationLevel: GraphOptimizationLevel;
  model: { path: string; sha256: string };
}

/** Where the config was read from, plus its values; modelPath is the absolute path of the model file. */
export type LoadedConfig = LoadedConfigOf<DetmlConfig>;

/** Reads detml.config.json (or DETML_CONFIG) and validates every field; a bad field is a one-line error. */
export function loadConfig(file = configFile()): LoadedConfig {
  return readConfig(file, validate);
}

function validate(data: Record<string, unknown>, fail: Fail): DetmlConfig {
  const { seed, threads, executionProvider, graphOptimizationLevel, model } = data;
  if (!Number.isSafeInteger(seed) || seed === 0) fail('"seed" must be a non-zero integer');
  if (!Number.isSafeInteger(threads) || (threads as number) < 1) fail('"threads" must be a positive integer');
  if (!(EXECUTION_PROVIDERS as readonly unknown[]).includes(executionProvider)) fail(`"executionProvider" must be one of ${EXECUTION_PROVIDERS.join(', ')}`);
  if (!(OPT_LEVELS as readonly unknown[]).includes(graphOptimizationLevel)) fail(`"graphOptimizationLevel" must be one of ${OPT_LEVELS.join(', ')}`);
  if (!isObject(model) || typeof model.path !== 'string' || typeof model.sha256 !== 'string' || !SHA256_HEX.test(model.sha256)) {
    fail('"model" must be { "path": string, "sha256": 64 lower-case hex digits }');
  }
  return data as unknown as DetmlConfig;
}
