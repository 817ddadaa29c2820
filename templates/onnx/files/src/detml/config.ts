// detml.config.json: the inputs that decide what the project computes (seed, threads, model and its sha256).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DetmlError, EXECUTION_PROVIDERS, type ExecutionProvider } from './env.js';

/** The project root: this file compiles to dist/src/detml/config.js, so the root is three folders up. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

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

/** Where the config was read from, plus its values. */
export interface LoadedConfig {
  file: string;
  raw: string;
  config: DetmlConfig;
  /** Absolute path of the model file. */
  modelPath: string;
}

/** Reads detml.config.json (or DETML_CONFIG) and validates every field; a bad field is a one-line error. */
export function loadConfig(file = process.env.DETML_CONFIG || resolve(PROJECT_ROOT, 'detml.config.json')): LoadedConfig {
  let raw: string;
  let data: unknown;
  try {
    raw = readFileSync(file, 'utf8');
    data = JSON.parse(raw);
  } catch (error) {
    throw new DetmlError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const config = validate(data, file);
  return { file, raw, config, modelPath: resolve(PROJECT_ROOT, config.model.path) };
}

function validate(data: unknown, file: string): DetmlConfig {
  const fail = (what: string): never => {
    throw new DetmlError(`${file}: ${what}`);
  };
  if (!isObject(data)) return fail('not a JSON object');
  const { seed, threads, executionProvider, graphOptimizationLevel, model } = data;
  if (!Number.isSafeInteger(seed) || seed === 0) fail('"seed" must be a non-zero integer');
  if (!Number.isSafeInteger(threads) || (threads as number) < 1) fail('"threads" must be a positive integer');
  if (!(EXECUTION_PROVIDERS as readonly unknown[]).includes(executionProvider)) fail(`"executionProvider" must be one of ${EXECUTION_PROVIDERS.join(', ')}`);
  if (!(OPT_LEVELS as readonly unknown[]).includes(graphOptimizationLevel)) fail(`"graphOptimizationLevel" must be one of ${OPT_LEVELS.join(', ')}`);
  if (!isObject(model) || typeof model.path !== 'string' || typeof model.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(model.sha256)) {
    fail('"model" must be { "path": string, "sha256": 64 lower-case hex digits }');
  }
  return data as unknown as DetmlConfig;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
