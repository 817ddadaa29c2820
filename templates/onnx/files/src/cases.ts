// The fixed input cases every run, test and golden uses. This file is yours: add cases for your own model. A case id
// becomes a golden file name (goldens/<class>/<id>.json), so keep ids short, lower case and stable; changing a case's
// inputs changes its outputs, and the golden check will then say that the *input* changed, not the model.
import type { InferenceCase } from './detml/run.js';
import { caseRandom, uniformFloat32 } from './detml/prng.js';

const FEATURES = 8; // the demo model's input is x: float32[N, 8]

/** Builds the cases from the project seed (detml.config.json). Pure: same seed, same bytes. */
export function buildCases(seed: number): InferenceCase[] {
  return [
    seeded(seed, 'single-row', 1),
    seeded(seed, 'batch-32', 32),
    {
      id: 'edge-values',
      inputs: {
        x: {
          shape: [4, FEATURES],
          // zeros, ones, large magnitudes (softmax saturation) and float32 denormals (set_denormal_as_zero=0)
          data: Float32Array.from([
            ...Array<number>(FEATURES).fill(0),
            ...Array<number>(FEATURES).fill(1),
            ...Array.from({ length: FEATURES }, (_, i) => (i % 2 === 0 ? 1e4 : -1e4)),
            ...Array.from({ length: FEATURES }, (_, i) => (i % 2 === 0 ? 1e-40 : -1e-40)),
          ]),
        },
      },
    },
  ];
}

function seeded(seed: number, id: string, rows: number): InferenceCase {
  const random = caseRandom(seed, id);
  return { id, inputs: { x: { shape: [rows, FEATURES], data: uniformFloat32(random, rows * FEATURES) } } };
}
