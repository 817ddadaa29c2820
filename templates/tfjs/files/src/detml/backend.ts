// Backend set-up: pin the flags, load exactly the configured backend, and report what actually runs. Callers check
// the environment first (determinism.ts), because importing tfjs-node-gpu loads libtensorflow and CUDA.
import * as tf from '@tensorflow/tfjs';
import type { DetmlConfig } from './config.js';
import { pinnedFlags } from './determinism.js';
import { DetmlError, type Backend } from './env.js';

/** The native backend's package: an optionalDependency, installed only by `npm ci --include=optional`. */
export const NODE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

/** What runs the numbers; every field is part of the fingerprint's class key. */
export interface BackendInfo {
  name: Backend;
  /** @tensorflow/tfjs-core as loaded (not as package.json asks). */
  tfjs: string;
  /** The package that implements the kernels, with the version loaded. */
  kernels: string;
  /** The pinned tf.env() flags, read back after the backend initialised. */
  flags: Record<string, boolean>;
  /** Threads the kernels use: wasm reports its own count; cpu is JavaScript (1); tensorflow is intra-op. */
  threads: number;
  /** tensorflow only: the libtensorflow version tfjs-node-gpu loaded (TF_Version()). */
  libtensorflow: string | null;
  /** tensorflow only: whether libtensorflow placed ops on a GPU; null for wasm and cpu. */
  gpu: boolean | null;
}

/** Pins the flags, sets the backend, and refuses anything but exactly the configured one. */
export async function initBackend(backend: Backend, config: Pick<DetmlConfig, 'wasmSimd' | 'threads'>): Promise<BackendInfo> {
  let kernels: string;
  let threads = 1;
  let libtensorflow: string | null = null;
  let gpu: boolean | null = null;
  let getWasmThreads: (() => number) | undefined;

  if (backend === 'wasm') {
    // Importing the package registers the backend and its flags; flags must be set before setBackend.
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    kernels = `@tensorflow/tfjs-backend-wasm@${wasm.version_wasm}`;
    getWasmThreads = wasm.getThreadsCount;
  } else if (backend === 'cpu') {
    kernels = `@tensorflow/tfjs-backend-cpu@${tf.version['tfjs-backend-cpu']}`;
  } else {
    const node = await importNodeGpu();
    kernels = `${NODE_GPU_PACKAGE}@${node.version['tfjs-node']}`;
  }

  for (const [flag, value] of Object.entries(pinnedFlags(backend, config))) tf.env().set(flag, value);
  if (!(await tf.setBackend(backend))) throw new DetmlError(`tfjs could not initialise the ${backend} backend`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new DetmlError(`tfjs runs on ${tf.getBackend()}, not on the configured ${backend} backend`);

  const flags: Record<string, boolean> = {};
  for (const [flag, value] of Object.entries(pinnedFlags(backend, config))) {
    flags[flag] = Boolean(await tf.env().getAsync(flag));
    if (flags[flag] !== value) throw new DetmlError(`tf.env() flag ${flag} is ${flags[flag]} after set-up, pinned ${value}`);
  }
  if (getWasmThreads) threads = getWasmThreads();
  if (backend === 'tensorflow') {
    const binding = (tf.backend() as unknown as { binding: { TF_Version: string; isUsingGpuDevice(): boolean } }).binding;
    libtensorflow = binding.TF_Version;
    gpu = binding.isUsingGpuDevice();
    threads = config.threads;
    if (process.env.DETML_REQUIRE_GPU === '1' && !gpu) {
      throw new DetmlError('the tensorflow backend found no usable GPU and would run on the CPU (DETML_REQUIRE_GPU=1); start the container with --gpus all');
    }
  }
  return { name: backend, tfjs: tf.version['tfjs-core'], kernels, flags, threads, libtensorflow, gpu };
}

async function importNodeGpu(): Promise<{ version: Record<string, string> }> {
  const name: string = NODE_GPU_PACKAGE; // a variable, so TypeScript does not need the (optional) package installed
  try {
    return (await import(name)) as { version: Record<string, string> };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new DetmlError(
      `the tensorflow backend needs ${NODE_GPU_PACKAGE}, an optional dependency that only \`npm ci --include=optional\` installs ` +
        `(the Dockerfile and the GPU workflow do; it downloads libtensorflow 2.9.1 for CUDA 11): ${reason}`,
    );
  }
}
