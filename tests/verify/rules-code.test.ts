// Framework rules on real parses (DETML020-023): TypeScript compiler API for tfjs/ORT, Python's ast for vLLM.
import { describe, expect, it } from 'vitest';
import { edit, renderProject, ruleResults, writeTree } from './fixture.ts';

const lines = (found: { line: number; message: string }[]) => found.map((f) => `${f.line}: ${f.message}`);

describe('DETML020 tfjs/random-seed', () => {
  const source = [
    "import * as tf from '@tensorflow/tfjs';", // 1
    "import { randomUniform as ru, initializers } from '@tensorflow/tfjs-core';", // 2
    'const SEED = 1234;', // 3
    'const ZERO = 0;', // 4
    "tf.randomNormal([2], 0, 1, 'float32');", // 5: no seed
    "tf.randomNormal([2], 0, 1, 'float32', SEED);", // 6: ok
    "tf.truncatedNormal([2], 0, 1, 'float32', ZERO);", // 7: const 0
    'ru([2], 0, 1, undefined, 0);', // 8: literal 0 through an alias
    'tf.multinomial(tf.zeros([1, 2]), 1, SEED);', // 9: ok
    'tf.initializers.glorotUniform({});', // 10: no seed
    'initializers.heNormal({ seed: SEED });', // 11: ok
    'tf.dropout(tf.ones([2]), 0.5);', // 12: no seed
    'const mine = { randomNormal: (..._a: unknown[]) => 0 };', // 13
    'mine.randomNormal([2]);', // 14: not tfjs
    '// the string tf.randomNormal([1]) in a comment is not a call', // 15
    '// detml-ignore DETML020 -- test noise only', // 16
    'tf.randomUniform([2]);', // 17: suppressed
  ].join('\n');

  it('flags unseeded and zero-seeded tfjs random ops and initializers, following imports and consts', async () => {
    const { found, suppressed } = await ruleResults(writeTree({ 'src/noise.ts': source }), 'DETML020');
    expect(lines(found)).toEqual([
      '5: tf.randomNormal(…) has no seed argument; pass a non-zero seed (the project seed).',
      '7: tf.truncatedNormal(…) has seed ZERO, which tfjs treats as unseeded; pass a non-zero seed (the project seed).',
      '8: ru(…) has seed 0, which tfjs treats as unseeded; pass a non-zero seed (the project seed).',
      '10: tf.initializers.glorotUniform(…) has no seed in its config; pass a non-zero seed (the project seed).',
      '12: tf.dropout(…) has no seed argument; pass a non-zero seed (the project seed).',
    ]);
    expect(suppressed.map((f) => f.line)).toEqual([17]);
  });

  it('reads CommonJS require and .mjs files too', async () => {
    const dir = writeTree({
      'scripts/gen.cjs': "const tf = require('@tensorflow/tfjs-node');\ntf.randomGamma([2], 1);\n",
    });
    expect(lines((await ruleResults(dir, 'DETML020')).found)).toEqual([
      '2: tf.randomGamma(…) has no seed argument; pass a non-zero seed (the project seed).',
    ]);
  });
});

describe('DETML021 ort/session-options', () => {
  it('the generated onnx session passes; breaking its options (through the local function and an import) is caught', async () => {
    const dir = renderProject('onnx');
    expect((await ruleResults(dir, 'DETML021')).found).toEqual([]);
    edit(dir, 'src/detml/session.ts', (t) =>
      t
        .replace("executionMode: 'sequential',", '')
        .replace("use_deterministic_compute: '1',", "use_deterministic_compute: '0',"),
    );
    const { found } = await ruleResults(dir, 'DETML021');
    expect(found.find((f) => f.path === 'src/detml/session.ts')?.message).toBe(
      'InferenceSession.create(…): executionMode is not set (must be "sequential"); extra.session.use_deterministic_compute is "0" (must be "1").',
    );
    // Callers elsewhere that build on sessionOptions() (imported from session.ts) inherit the problem.
    expect(found.every((f) => f.message.includes('executionMode is not set'))).toBe(true);
  });

  it('no options, zero threads, options from another module, unresolvable options; suppression', async () => {
    const dir = writeTree({
      'src/opts.ts':
        "export const base = { executionMode: 'sequential', intraOpNumThreads: 0, interOpNumThreads: 1 } as const;\nexport function good() { return { ...base, intraOpNumThreads: 2, extra: { session: { use_deterministic_compute: '1' } } }; }\n",
      'src/run.ts': [
        "import * as ort from 'onnxruntime-node';", // 1
        "import { InferenceSession } from 'onnxruntime-node';", // 2
        "import { base, good } from './opts.js';", // 3
        'declare const bytes: Uint8Array; declare function load(): object;', // 4
        "await InferenceSession.create('m.onnx');", // 5: no options
        'await ort.InferenceSession.create(bytes, { ...base });', // 6: threads 0, no deterministic compute
        'await InferenceSession.create(bytes, good());', // 7: ok, across files
        'await InferenceSession.create(bytes, load() as never);', // 8: cannot resolve
        'await InferenceSession.create(bytes, 0, 10, good()); // detml-ignore ort/session-options', // 9: ok anyway
        'await InferenceSession.create(bytes); // detml-ignore DETML021 -- smoke test', // 10: suppressed
        '', // 11
        "export async function main() { const local = { ...good(), executionMode: 'parallel' }; return InferenceSession.create(bytes, local); }", // 12: a local const in a function
      ].join('\n'),
    });
    const { found, suppressed } = await ruleResults(dir, 'DETML021');
    expect(lines(found)).toEqual([
      '5: InferenceSession.create(…): no session options (ORT then picks thread counts and execution mode from the machine).',
      '6: InferenceSession.create(…): intraOpNumThreads is 0 (must be a positive integer); extra.session.use_deterministic_compute is not set (must be "1").',
      '8: InferenceSession.create(…): the session options cannot be checked statically (build them in an object literal or a local function that returns one).',
      '12: InferenceSession.create(…): executionMode is "parallel" (must be "sequential").',
    ]);
    expect(suppressed.map((f) => f.line)).toEqual([10]);
  });
});

describe('DETML022 vllm/llm-revision and DETML023 vllm/sampling-seed (Python ast)', () => {
  const py = [
    'import vllm', // 1
    'from vllm import LLM, SamplingParams as SP', // 2
    'llm = LLM(model="Qwen/Qwen2.5-0.5B-Instruct")', // 3: no revision
    'llm = LLM(model="m", revision="main")', // 4: branch
    `llm = LLM(model="m", revision="${'a'.repeat(40)}")`, // 5: ok
    'llm = vllm.LLM(**kwargs)', // 6: cannot see: ok
    'p = SP(temperature=0)', // 7: no seed
    'p = vllm.SamplingParams(**{"temperature": 0})', // 8: literal dict without seed
    'p = SP(temperature=0, seed=7)', // 9: ok
    'p = SP(seed=None)', // 10: None
    '# detml-ignore DETML023 -- a throwaway probe', // 11
    'p = SP()', // 12: suppressed
    'text = "LLM(model=1)"', // 13: a string, not a call
    'llm = LLM(model="scratch")  # detml-ignore vllm/llm-revision -- local experiment', // 14: suppressed
  ].join('\n');

  it('flags LLM without a 40-hex revision and SamplingParams without seed', async () => {
    const dir = writeTree({ 'app/engine.py': py });
    const revisions = await ruleResults(dir, 'DETML022');
    expect(lines(revisions.found)).toEqual([
      '3: LLM(...) has no revision; pass revision=<40-hex model commit> (and tokenizer_revision).',
      "4: LLM(...) has revision='main', a branch or tag; pass the 40-hex commit.",
    ]);
    expect(revisions.suppressed.map((f) => [f.line, f.suppression.justification])).toEqual([[14, 'local experiment']]);
    const seeds = await ruleResults(dir, 'DETML023');
    expect(lines(seeds.found)).toEqual([
      '7: SamplingParams(...) has no seed; pass seed=<project seed> on every request.',
      '8: SamplingParams(...) has no seed; pass seed=<project seed> on every request.',
      '10: SamplingParams(...) has no seed; pass seed=<project seed> on every request.',
    ]);
    expect(seeds.suppressed.map((f) => f.line)).toEqual([12]);
  });

  it('a same-named class defined in the file (a test fake) is not vLLM; syntax errors are reported', async () => {
    const dir = writeTree({
      'tests/fake/vllm.py':
        'class SamplingParams:\n    pass\n\nclass LLM:\n    def generate(self):\n        return SamplingParams()\n',
      'broken.py': 'from vllm import LLM\nLLM(\n',
    });
    expect(lines((await ruleResults(dir, 'DETML023')).found)).toEqual([]);
    expect((await ruleResults(dir, 'DETML022')).found.map((f) => `${f.path}: ${f.message.split(':')[0]}`)).toEqual([
      'broken.py: broken.py cannot be parsed',
    ]);
  });
});
