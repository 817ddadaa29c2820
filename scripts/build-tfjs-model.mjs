// Builds the small MLP shipped by the `tfjs` template, deterministically, and records the sha256 of its two files in
// the template's detml.config.json.hbs. Running it twice gives identical bytes, so the model can be re-derived and audited.
//   node scripts/build-tfjs-model.mjs           write templates/tfjs/files/model/{model.json,weights.bin}, update the config
//   node scripts/build-tfjs-model.mjs --check   exit 1 if the committed files or their recorded sha256 differ
// @tensorflow/tfjs 4.22.0 is not a dependency of create-detml: the script resolves it from the current directory
// first (e.g. a generated tfjs project after `npm ci`, or a scratch folder with `npm install @tensorflow/tfjs@4.22.0`),
// then from the repository.
// Model (tfjs layers format): x float32[N,8] -> Dense fc1(16, relu) -> Dense fc2(16, tanh) -> Dense y(4, softmax). Every kernel
// and bias comes from a seeded tfjs initializer (glorotUniform / randomUniform, seeds derived below, never 0); the
// initializers draw their numbers in JavaScript (seedrandom's alea), so the weights do not depend on the backend.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_DIR = join(ROOT, 'templates/tfjs/files/model');
const CONFIG = join(ROOT, 'templates/tfjs/files/detml.config.json.hbs');
const TFJS_VERSION = '4.22.0';
const WEIGHT_SEED = 20240611; // fixed: changing it changes the model bytes and every golden
const [IN, HIDDEN, OUT] = [8, 16, 4];

async function loadTfjs() {
  for (const base of [join(process.cwd(), 'package.json'), join(ROOT, 'package.json')]) {
    let resolved;
    try {
      resolved = createRequire(base).resolve('@tensorflow/tfjs');
    } catch {
      continue;
    }
    const tf = await import(pathToFileURL(resolved).href);
    if (tf.version.tfjs !== TFJS_VERSION)
      throw new Error(`${resolved} is @tensorflow/tfjs ${tf.version.tfjs}; this model is built with ${TFJS_VERSION}`);
    return tf;
  }
  throw new Error(
    `cannot find @tensorflow/tfjs; run this from a folder where "npm install @tensorflow/tfjs@${TFJS_VERSION}" was run`,
  );
}

/** A non-zero 32-bit seed per initializer (tfjs treats a falsy seed as "unseeded" and uses Math.random). */
function opSeed(seed, name) {
  if (!Number.isSafeInteger(seed) || seed === 0) throw new Error(`seed must be a non-zero integer, got ${seed}`);
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ seed ^ ((h ^ seed) >>> 16), 0x45d9f3b);
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 0x9e3779b9 : h;
}

async function buildModel(tf) {
  await tf.setBackend('cpu');
  const dense = (name, units, activation) =>
    tf.layers.dense({
      name,
      units,
      activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: opSeed(WEIGHT_SEED, `${name}/kernel`) }),
      biasInitializer: tf.initializers.randomUniform({
        minval: -0.1,
        maxval: 0.1,
        seed: opSeed(WEIGHT_SEED, `${name}/bias`),
      }),
    });
  // Functional API, so the input and output carry the names the cases and goldens use: x and y.
  const x = tf.input({ name: 'x', shape: [IN], dtype: 'float32' });
  const y = dense('y', OUT, 'softmax').apply(dense('fc2', HIDDEN, 'tanh').apply(dense('fc1', HIDDEN, 'relu').apply(x)));
  const model = tf.model({ name: 'detml_mlp', inputs: x, outputs: y });

  let artifacts;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const json = {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  return { 'model.json': Buffer.from(`${JSON.stringify(json, null, 2)}\n`), 'weights.bin': weights };
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const tf = await loadTfjs();
const files = await buildModel(tf);
const shas = { 'model.json': sha256(files['model.json']), 'weights.bin': sha256(files['weights.bin']) };

// detml.config.json.hbs: "sha256" (model.json) and "weights.bin" (its shard) hold the two hashes.
const config = readFileSync(CONFIG, 'utf8');
const MODEL_SHA = /("path": "model\/model\.json",\s*"sha256": ")[0-9a-f]{64}(")/;
const WEIGHTS_SHA = /("weights\.bin": ")[0-9a-f]{64}(")/;
if (!MODEL_SHA.test(config) || !WEIGHTS_SHA.test(config))
  throw new Error(`${CONFIG} has no model.json / weights.bin sha256 lines to update`);
const updated = config
  .replace(MODEL_SHA, `$1${shas['model.json']}$2`)
  .replace(WEIGHTS_SHA, `$1${shas['weights.bin']}$2`);

if (process.argv.includes('--check')) {
  const problems = [];
  for (const [name, bytes] of Object.entries(files)) {
    if (!readFileSync(join(MODEL_DIR, name)).equals(bytes))
      problems.push(`${join(MODEL_DIR, name)} differs from a fresh build (${shas[name]})`);
  }
  if (updated !== config)
    problems.push(`${CONFIG} does not record model.json ${shas['model.json']} / weights.bin ${shas['weights.bin']}`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(
    `model ok: model.json sha256 ${shas['model.json']}, weights.bin ${files['weights.bin'].length} bytes sha256 ${shas['weights.bin']}`,
  );
} else {
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(MODEL_DIR, name), bytes);
  writeFileSync(CONFIG, updated);
  console.log(
    `wrote ${MODEL_DIR}: model.json sha256 ${shas['model.json']}, weights.bin ${files['weights.bin'].length} bytes sha256 ${shas['weights.bin']}`,
  );
}
