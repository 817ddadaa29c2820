// Builds the tiny MLP shipped by the `onnx` template, deterministically, and records its sha256 in the template's
// detml.config.json.hbs. Running it twice gives identical bytes, so the model can be re-derived and audited.
//   node scripts/build-onnx-model.mjs           write templates/onnx/files/model/model.onnx and update the config
//   node scripts/build-onnx-model.mjs --check   exit 1 if the committed model or its recorded sha256 differs
// Graph: x float32[N,8] -> Gemm(W1[8,16], b1) -> Relu -> Gemm(W2[16,4], b2) -> Softmax(axis=-1) -> y float32[N,4]
// Opset 17, IR version 8 (what onnx-proto 8.0.1 encodes). Weights come from mulberry32, so no Math.random anywhere.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL = join(ROOT, 'templates/onnx/files/model/model.onnx');
const CONFIG = join(ROOT, 'templates/onnx/files/detml.config.json.hbs');
const WEIGHT_SEED = 20240611; // fixed: changing it changes the model bytes and every golden
const [IN, HIDDEN, OUT] = [8, 16, 4];

/** mulberry32: a 32-bit PRNG whose integer arithmetic is identical on every JS engine. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float32 initializer; raw_data is written little-endian explicitly, whatever the host byte order. */
function tensor(name, dims, rand, scale) {
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(count * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) view.setFloat32(i * 4, (rand() * 2 - 1) * scale, true);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes };
}

function valueInfo(name, dims) {
  const shape = { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) };
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape } } };
}

function buildModel() {
  const rand = mulberry32(WEIGHT_SEED);
  // Glorot-uniform limits keep the activations in a range where the softmax output is not saturated.
  const w1 = tensor('W1', [IN, HIDDEN], rand, Math.sqrt(6 / (IN + HIDDEN)));
  const b1 = tensor('b1', [HIDDEN], rand, 0.1);
  const w2 = tensor('W2', [HIDDEN, OUT], rand, Math.sqrt(6 / (HIDDEN + OUT)));
  const b2 = tensor('b2', [OUT], rand, 0.1);
  const axis = { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'create-detml',
    producerVersion: '1.0.0',
    docString: 'detml onnx template demo MLP (scripts/build-onnx-model.mjs)',
    graph: {
      name: 'detml_mlp',
      initializer: [w1, b1, w2, b2],
      input: [valueInfo('x', ['N', IN])],
      output: [valueInfo('y', ['N', OUT])],
      node: [
        { opType: 'Gemm', name: 'fc1', input: ['x', 'W1', 'b1'], output: ['h1'] },
        { opType: 'Relu', name: 'relu1', input: ['h1'], output: ['h1_relu'] },
        { opType: 'Gemm', name: 'fc2', input: ['h1_relu', 'W2', 'b2'], output: ['logits'] },
        { opType: 'Softmax', name: 'softmax', input: ['logits'], output: ['y'], attribute: [axis] },
      ],
    },
  });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

const bytes = buildModel();
const sha = createHash('sha256').update(bytes).digest('hex');
const config = readFileSync(CONFIG, 'utf8');
const SHA_LINE = /("sha256": ")[0-9a-f]{64}(")/;
if (!SHA_LINE.test(config)) throw new Error(`${CONFIG} has no "sha256": "<64 hex>" line to update`);

if (process.argv.includes('--check')) {
  const committed = readFileSync(MODEL);
  const problems = [];
  if (!committed.equals(bytes)) problems.push(`${MODEL} differs from a fresh build (${sha})`);
  if (!config.includes(`"sha256": "${sha}"`)) problems.push(`${CONFIG} does not record sha256 ${sha}`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`model.onnx ok: ${bytes.length} bytes, sha256 ${sha}`);
} else {
  writeFileSync(MODEL, bytes);
  writeFileSync(CONFIG, config.replace(SHA_LINE, `$1${sha}$2`));
  console.log(`wrote ${MODEL}: ${bytes.length} bytes, sha256 ${sha}`);
}
