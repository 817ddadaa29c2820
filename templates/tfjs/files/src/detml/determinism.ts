// The determinism module: main.ts and cli.ts call checkDeterminism() first, before any TensorFlow.js code is loaded
// (they import the backend dynamically afterwards). This module imports no TensorFlow.js either. It
//   - refuses to run unless the variables libtensorflow reads at load time are set (see env.ts),
//   - names the tf.env() flags that backend.ts pins before tf.setBackend(), instead of letting tfjs detect them,
//   - exports the project seed and seeded(), the one way this project derives seeds for tfjs random ops.
import { loadConfig, type DetmlConfig, type LoadedConfig } from './config.js';
import { assertDeterminismEnv, backendFrom, DetmlError, type Backend } from './env.js';

export interface Determinism {
  loaded: LoadedConfig;
  backend: Backend;
  /** The project seed (detml.config.json), never 0. */
  seed: number;
}

let checked: Determinism | undefined;

/** Loads the config, picks the backend and refuses (DetmlError, one line) unless the environment is right. */
export function checkDeterminism(env: Readonly<Record<string, string | undefined>> = process.env): Determinism {
  const loaded = loadConfig();
  const backend = backendFrom(env, loaded.config.backend);
  assertDeterminismEnv(loaded.config.threads, env);
  checked = { loaded, backend, seed: loaded.config.seed };
  return checked;
}

/** The project seed; checks the environment on first use. */
export function projectSeed(): number {
  return (checked ?? checkDeterminism()).seed;
}

/**
 * The tf.env() flags set before tf.setBackend(backend). tfjs would otherwise detect them per host:
 * WASM_HAS_SIMD_SUPPORT selects which binary runs (the SIMD or the scalar XNNPACK build, different code);
 * WASM_HAS_MULTITHREAD_SUPPORT is false on Node today and pinned so that a future detection cannot turn it on.
 */
export function pinnedFlags(backend: Backend, config: Pick<DetmlConfig, 'wasmSimd'>): Record<string, boolean> {
  return backend === 'wasm' ? { WASM_HAS_SIMD_SUPPORT: config.wasmSimd, WASM_HAS_MULTITHREAD_SUPPORT: false } : {};
}

/**
 * A non-zero 32-bit seed for one random op: the project seed mixed with a name unique to that op, so ops get
 * independent streams and adding an op does not shift the others. Pass it to every tfjs random op:
 *   tf.randomNormal(shape, 0, 1, 'float32', seeded('noise'))
 * tfjs replaces a falsy seed (0 or undefined) with Math.random() without a word, so seed 0 is refused here, and a
 * derived 0 is mapped to a fixed non-zero value.
 */
export function seeded(name: string, seed: number = projectSeed()): number {
  if (!Number.isSafeInteger(seed) || seed === 0) {
    throw new DetmlError(`seed must be a non-zero integer (tfjs treats 0 as "unseeded" and uses Math.random), got ${seed}`);
  }
  if (name === '') throw new DetmlError('seeded() needs a non-empty name, unique per random op');
  let h = 0x811c9dc5; // FNV-1a of the name
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h ^= seed; // safe integers beyond 32 bits are reduced to their low 32 bits here
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 0x9e3779b9 : h;
}
