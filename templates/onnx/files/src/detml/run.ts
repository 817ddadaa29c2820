// Runs the fixed cases through a session and reduces every output to a canonical digest.
import { createHash } from 'node:crypto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildCases } from '../cases.js';
import { loadConfig, type LoadedConfig } from './config.js';
import { summarize, tensorSha256, type NumericData, type TensorSummary } from './digest.js';
import { DetmlError, executionProviderFrom, type ExecutionProvider } from './env.js';
import { runEachCase, type CaseResult } from './runtime-api.js';
import { createSession, onnxruntimeVersion } from './session.js';

export type { CaseResult } from './runtime-api.js';

/** One model input: a typed array plus its shape (the dtype follows from the array type). */
export interface CaseInput {
  shape: number[];
  data: NumericData;
}

/** One fixed case: an id (also the golden file name) and a value for every model input. */
export interface InferenceCase {
  id: string;
  inputs: Record<string, CaseInput>;
}

/** Everything one run produced, with what it ran on. */
export interface ProjectRun {
  loaded: LoadedConfig;
  executionProvider: ExecutionProvider;
  onnxruntime: string;
  results: CaseResult[];
}

/** Loads config + verified model, runs every case of src/cases.ts in order, and releases the session. */
export async function runProject(): Promise<ProjectRun> {
  const loaded = loadConfig();
  const executionProvider = executionProviderFrom(process.env, loaded.config.executionProvider);
  const session = await createSession(loaded, executionProvider);
  try {
    const results = await runCases(session, buildCases(loaded.config.seed));
    return { loaded, executionProvider, onnxruntime: onnxruntimeVersion(), results };
  } finally {
    await session.release();
  }
}

/** Runs cases one at a time (never concurrently: one request at a time keeps kernel scheduling fixed). */
export async function runCases(session: InferenceSession, cases: readonly InferenceCase[]): Promise<CaseResult[]> {
  return runEachCase(cases, (c) => runCase(session, c));
}

async function runCase(session: InferenceSession, c: InferenceCase): Promise<CaseResult> {
  const feeds: Record<string, Tensor> = {};
  const inputHash = createHash('sha256');
  for (const name of Object.keys(c.inputs).sort()) {
    const input = c.inputs[name]!;
    const tensor = new Tensor(input.data, input.shape);
    feeds[name] = tensor;
    inputHash.update(`${name}=${tensorSha256(tensor.type, input.shape, input.data)}\n`);
  }
  const fetched = await session.run(feeds);
  const outputs: Record<string, TensorSummary> = {};
  for (const name of session.outputNames) {
    const tensor = fetched[name];
    if (!tensor || typeof tensor.data === 'string' || Array.isArray(tensor.data)) {
      throw new DetmlError(`case ${c.id}: output ${name} is not a numeric tensor; extend src/detml/digest.ts for it`);
    }
    outputs[name] = summarize(tensor.type, tensor.dims, tensor.data as NumericData);
    tensor.dispose();
  }
  return { id: c.id, inputSha256: inputHash.digest('hex'), outputs };
}
