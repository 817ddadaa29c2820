// The fixed input cases every run, test and golden uses. This file is yours: add cases for your own model. A case id
// becomes a golden file name (goldens/<class>/<id>.json), so keep ids short, lower case and stable; changing a case's
// inputs changes its outputs, and the golden check will then say that the *input* changed, not the model.
// Called after the backend is set up, so a case may use tfjs random ops: always with a seed from seeded().
import * as tf from '@tensorflow/tfjs';
import { seeded } from './detml/determinism.js';
import { caseRandom, uniformFloat32 } from './detml/prng.js';
import type { InferenceCase } from './detml/run.js';

const FEATURES = 8; // the demo model's input is x: float32[N, 8]

/** Builds the cases from the project seed (detml.config.json). Pure: same seed, same bytes, on every backend. */
export function buildCases(seed: number): InferenceCase[] {
  return [
    fromPrng(seed, 'single-row', 1),
    fromPrng(seed, 'batch-32', 32),
    {
      id: 'edge-values',
      inputs: {
        x: {
          shape: [4, FEATURES],
          // zeros, ones, large magnitudes (softmax and tanh saturation) and float32 denormals
          data: Float32Array.from([
            ...Array<number>(FEATURES).fill(0),
            ...Array<number>(FEATURES).fill(1),
            ...Array.from({ length: FEATURES }, (_, i) => (i % 2 === 0 ? 1e4 : -1e4)),
            ...Array.from({ length: FEATURES }, (_, i) => (i % 2 === 0 ? 1e-40 : -1e-40)),
          ]),
        },
      },
    },
    fromRandomNormal(seed, 'random-normal', 16),
  ];
}

/** Uniform inputs from mulberry32 (plain integer arithmetic, identical on every JS engine). */
function fromPrng(seed: number, id: string, rows: number): InferenceCase {
  const random = caseRandom(seed, id);
  return { id, inputs: { x: { shape: [rows, FEATURES], data: uniformFloat32(random, rows * FEATURES) } } };
}

/**
 * Normal inputs from tfjs's own generator. tfjs draws them in JavaScript (seedrandom's alea), so they do not depend
 * on the backend, but only with a non-zero seed: seeded() derives one per op and refuses 0.
 */
function fromRandomNormal(seed: number, id: string, rows: number): InferenceCase {
  const noise = tf.randomNormal([rows, FEATURES], 0, 1, 'float32', seeded(id, seed));
  const data = Float32Array.from(noise.dataSync());
  noise.dispose();
  return { id, inputs: { x: { shape: [rows, FEATURES], data } } };
}
