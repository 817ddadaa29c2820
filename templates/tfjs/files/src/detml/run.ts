// Runs the fixed cases through the model and reduces every output to a canonical digest.
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { buildCases } from '../cases.js';
import type { LoadedConfig } from './config.js';
import { checkDeterminism } from './determinism.js';
import { summarize, tensorSha256, type TensorSummary } from './digest.js';
import { initBackend, type BackendInfo } from './backend.js';
import { DetmlError } from './env.js';
import { loadModel, readVerifiedModel, type DetmlModel } from './model.js';
import { runEachCase, type CaseResult } from './runtime-api.js';

export type { CaseResult } from './runtime-api.js';

/** One model input: a typed array plus its shape (float32 from a Float32Array, int32 from an Int32Array). */
export interface CaseInput {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** One fixed case: an id (also the golden file name) and a value for every model input. */
export interface InferenceCase {
  id: string;
  inputs: Record<string, CaseInput>;
}

/** Everything one run produced, with what it ran on. */
export interface ProjectRun {
  loaded: LoadedConfig;
  backend: BackendInfo;
  results: CaseResult[];
}

/** Checks the environment, sets up the backend, loads the verified model, runs every case of src/cases.ts in order. */
export async function runProject(): Promise<ProjectRun> {
  const { loaded, backend: name, seed } = checkDeterminism();
  const backend = await initBackend(name, loaded.config);
  const model = await loadModel(readVerifiedModel(loaded.modelPath, loaded.config.model));
  try {
    const results = await runCases(model, buildCases(seed));
    return { loaded, backend, results };
  } finally {
    model.dispose();
  }
}

/** Runs cases one at a time (never concurrently: one request at a time keeps kernel scheduling fixed). */
export async function runCases(model: DetmlModel, cases: readonly InferenceCase[]): Promise<CaseResult[]> {
  return runEachCase(cases, (c) => {
    const given = Object.keys(c.inputs).sort();
    if (JSON.stringify(given) !== JSON.stringify([...model.inputNames].sort())) {
      throw new DetmlError(`case ${c.id} feeds [${given.join(', ')}], the model's inputs are [${model.inputNames.join(', ')}]`);
    }
    return runCase(model, c);
  });
}

async function runCase(model: DetmlModel, c: InferenceCase): Promise<CaseResult> {
  const feeds: Record<string, tf.Tensor> = {};
  const inputHash = createHash('sha256');
  try {
    for (const name of Object.keys(c.inputs).sort()) {
      const input = c.inputs[name]!;
      const dtype = input.data instanceof Float32Array ? 'float32' : 'int32';
      feeds[name] = tf.tensor(input.data, input.shape, dtype);
      inputHash.update(`${name}=${tensorSha256(dtype, input.shape, input.data)}\n`);
    }
    const fetched = await model.run(feeds);
    const outputs: Record<string, TensorSummary> = {};
    try {
      for (const name of model.outputNames) {
        const tensor = fetched[name];
        if (!tensor || (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool')) {
          throw new DetmlError(`case ${c.id}: output ${name} is not a numeric tensor (${tensor?.dtype}); extend src/detml/run.ts for it`);
        }
        // data() copies the values off the backend; bool comes back as Uint8Array, one byte per value.
        const data = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
        outputs[name] = summarize(tensor.dtype, tensor.shape, data);
      }
    } finally {
      for (const tensor of Object.values(fetched)) tensor.dispose();
    }
    return { id: c.id, inputSha256: inputHash.digest('hex'), outputs };
  } finally {
    for (const tensor of Object.values(feeds)) tensor.dispose();
  }
}
