// detml.config.json: the inputs that decide what the project computes (seed, backend, threads, model and its hashes).
// Reading the file is shared with the other Node templates (config-core.ts); the fields are checked here.
import { configFile, isObject, readConfig, SHA256_HEX, type Fail, type LoadedConfigOf } from './config-core.js';
import { BACKENDS, type Backend } from './env.js';

export { PROJECT_ROOT } from './config-core.js';

export interface DetmlConfig {
  /** Seeds the generated inputs and every tfjs random op (through seeded()); never 0, which tfjs reads as "unseeded". */
  seed: number;
  /** Intra-op threads of the native backend (TF_NUM_INTRAOP_THREADS); part of its hardware class. */
  threads: number;
  /** Default backend; DETML_BACKEND overrides it. */
  backend: Backend;
  /** Pins WASM_HAS_SIMD_SUPPORT (the SIMD or the scalar XNNPACK build) instead of letting tfjs detect it. */
  wasmSimd: boolean;
  /** model.json (tfjs layers or graph model) and the sha256 of it and of each weight shard it names. */
  model: { path: string; sha256: string; weights: Record<string, string> };
}

/** Where the config was read from, plus its values; modelPath is model.json's absolute path (shards are relative to its folder). */
export type LoadedConfig = LoadedConfigOf<DetmlConfig>;

/** Reads detml.config.json (or DETML_CONFIG) and validates every field; a bad field is a one-line error. */
export function loadConfig(file = configFile()): LoadedConfig {
  return readConfig(file, validate);
}

function validate(data: Record<string, unknown>, fail: Fail): DetmlConfig {
  const { seed, threads, backend, wasmSimd, model } = data;
  if (!Number.isSafeInteger(seed) || seed === 0) fail('"seed" must be a non-zero integer (tfjs treats seed 0 as unseeded)');
  if (!Number.isSafeInteger(threads) || (threads as number) < 1) fail('"threads" must be a positive integer');
  if (!(BACKENDS as readonly unknown[]).includes(backend)) fail(`"backend" must be one of ${BACKENDS.join(', ')}`);
  if (typeof wasmSimd !== 'boolean') fail('"wasmSimd" must be true or false');
  const weightsOk = (w: unknown) =>
    isObject(w) && Object.keys(w).length > 0 && Object.entries(w).every(([k, v]) => !k.includes('..') && typeof v === 'string' && SHA256_HEX.test(v));
  if (!isObject(model) || typeof model.path !== 'string' || typeof model.sha256 !== 'string' || !SHA256_HEX.test(model.sha256) || !weightsOk(model.weights)) {
    fail('"model" must be { "path": string, "sha256": 64 lower-case hex, "weights": { "<shard file>": 64 lower-case hex, ... } }');
  }
  return data as unknown as DetmlConfig;
}
