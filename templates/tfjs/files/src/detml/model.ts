// Loading the model without file:// (that needs tfjs-node): the bytes of model.json and of every weight shard are read
// here, checked against detml.config.json's sha256 values, and only then handed to tfjs through tf.io.fromMemory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PROJECT_ROOT, type LoadedConfig } from './config.js';
import { DetmlError } from './env.js';

/** The verified contents of model.json and its shards, ready for tf.io.fromMemory. */
export interface VerifiedModelFiles {
  format: 'layers-model' | 'graph-model';
  artifacts: tf.io.ModelArtifacts;
}

/** A loaded model behind one interface, whichever format it is. */
export interface DetmlModel {
  format: VerifiedModelFiles['format'];
  inputNames: string[];
  outputNames: string[];
  /** Runs one request; the caller owns (and disposes) the input and output tensors. */
  run(feeds: Record<string, tf.Tensor>): Promise<Record<string, tf.Tensor>>;
  dispose(): void;
}

interface ModelJson {
  format?: string;
  modelTopology?: { node?: unknown };
  weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** Reads model.json and its shards and checks every sha256; a mismatch is refused with the fix in the message. */
export function readVerifiedModel(modelPath: string, expected: LoadedConfig['config']['model']): VerifiedModelFiles {
  const show = (path: string) => relative(PROJECT_ROOT, path) || path;
  const read = (path: string, sha256: string): Buffer => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new DetmlError(`cannot read model file ${path}: ${(error as Error).message}`);
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) {
      throw new DetmlError(
        `refusing to load ${show(path)}: sha256 is ${actual}, detml.config.json expects ${sha256}. ` +
          'If you replaced the model on purpose, update the hashes under "model" in detml.config.json and re-record the goldens.',
      );
    }
    return bytes;
  };

  const json = JSON.parse(read(modelPath, expected.sha256).toString('utf8')) as ModelJson;
  const groups = json.weightsManifest ?? [];
  const paths = groups.flatMap((g) => g.paths);
  const listed = Object.keys(expected.weights).sort();
  if (JSON.stringify([...paths].sort()) !== JSON.stringify(listed)) {
    throw new DetmlError(`${show(modelPath)} names the weight files [${paths.join(', ')}], detml.config.json hashes [${listed.join(', ')}]; they must be the same`);
  }
  // Shards are concatenated in manifest order, which is how tfjs lays out weightSpecs over the weight data.
  const shards = paths.map((p) => read(join(dirname(modelPath), p), expected.weights[p]!));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  const format = json.format === 'graph-model' || json.modelTopology?.node !== undefined ? 'graph-model' : 'layers-model';
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData,
    format: json.format,
  };
  return { format, artifacts };
}

/** Loads verified model files into tfjs (on the current backend). */
export async function loadModel(files: VerifiedModelFiles): Promise<DetmlModel> {
  const handler = tf.io.fromMemory(files.artifacts);
  if (files.format === 'graph-model') {
    const model = await tf.loadGraphModel(handler);
    return {
      format: 'graph-model',
      inputNames: model.inputNodes,
      outputNames: model.outputNodes,
      async run(feeds) {
        // execute() for plain graphs; graphs with control flow or dynamic shapes need executeAsync(), and execute()
        // says so. Outputs come back in outputNodes order.
        let out: tf.Tensor | tf.Tensor[];
        try {
          out = model.execute(feeds, model.outputNodes);
        } catch (error) {
          if (!/executeAsync/.test(String(error))) throw error;
          out = await model.executeAsync(feeds, model.outputNodes);
        }
        const list = Array.isArray(out) ? out : [out];
        return Object.fromEntries(model.outputNodes.map((name, i) => [name, list[i]!]));
      },
      dispose: () => model.dispose(),
    };
  }
  const model = await tf.loadLayersModel(handler);
  return {
    format: 'layers-model',
    inputNames: model.inputNames,
    outputNames: model.outputNames,
    async run(feeds) {
      // predict() runs in inference mode: Dropout and other training-only randomness are inactive.
      const out = model.predict(model.inputNames.map((name) => feeds[name]!));
      const list = Array.isArray(out) ? out : [out];
      return Object.fromEntries(model.outputNames.map((name, i) => [name, list[i]!]));
    },
    dispose: () => model.dispose(),
  };
}
