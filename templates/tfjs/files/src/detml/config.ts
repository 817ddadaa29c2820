// detml.config.json: the inputs that decide what the project computes (seed, backend, threads, model and its hashes).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKENDS, DetmlError, type Backend } from './env.js';

/** The project root: this file compiles to dist/src/detml/config.js, so the root is three folders up. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

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

/** Where the config was read from, plus its values. */
export interface LoadedConfig {
  file: string;
  raw: string;
  config: DetmlConfig;
  /** Absolute path of model.json; weight shards are relative to its folder. */
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

const SHA256 = /^[0-9a-f]{64}$/;

function validate(data: unknown, file: string): DetmlConfig {
  const fail = (what: string): never => {
    throw new DetmlError(`${file}: ${what}`);
  };
  if (!isObject(data)) return fail('not a JSON object');
  const { seed, threads, backend, wasmSimd, model } = data;
  if (!Number.isSafeInteger(seed) || seed === 0) fail('"seed" must be a non-zero integer (tfjs treats seed 0 as unseeded)');
  if (!Number.isSafeInteger(threads) || (threads as number) < 1) fail('"threads" must be a positive integer');
  if (!(BACKENDS as readonly unknown[]).includes(backend)) fail(`"backend" must be one of ${BACKENDS.join(', ')}`);
  if (typeof wasmSimd !== 'boolean') fail('"wasmSimd" must be true or false');
  const weightsOk = (w: unknown) =>
    isObject(w) && Object.keys(w).length > 0 && Object.entries(w).every(([k, v]) => !k.includes('..') && typeof v === 'string' && SHA256.test(v));
  if (!isObject(model) || typeof model.path !== 'string' || typeof model.sha256 !== 'string' || !SHA256.test(model.sha256) || !weightsOk(model.weights)) {
    fail('"model" must be { "path": string, "sha256": 64 lower-case hex, "weights": { "<shard file>": 64 lower-case hex, ... } }');
  }
  return data as unknown as DetmlConfig;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
