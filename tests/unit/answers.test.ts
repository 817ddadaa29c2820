import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { parseSetFlags, resolveAnswers } from '../../src/templates/answers.ts';
import { parseManifest } from '../../src/templates/manifest.ts';
import { VALIDATORS, type ValidatorName } from '../../src/templates/validators.ts';
import { demoTemplate } from '../helpers/fixture-template.ts';

const cases: [ValidatorName, unknown, boolean][] = [
  ['npm-package-name', 'my-app', true],
  ['npm-package-name', '@scope/my.app_1', true],
  ['npm-package-name', 'My App', false],
  ['npm-package-name', '.hidden', false],
  ['npm-package-name', '', false],
  ['npm-package-name', 'a'.repeat(215), false],
  ['python-module', 'my_llm', true],
  ['python-module', 'my-llm', false],
  ['python-module', '1abc', false],
  ['python-module', 'class', false],
  ['sha256-digest', `sha256:${'a'.repeat(64)}`, true],
  ['sha256-digest', `sha256:${'A'.repeat(64)}`, false],
  ['sha256-digest', `sha256:${'a'.repeat(63)}`, false],
  ['sha256-digest', 'a'.repeat(64), false],
  ['image-name', 'nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04', true],
  ['image-name', 'nvcr.io/nvidia/cuda:12.8.1-runtime-ubuntu24.04', true],
  ['image-name', 'localhost:5000/x/y:1', true],
  ['image-name', 'nvidia/cuda', false],
  ['image-name', 'NVIDIA/cuda:1', false],
  ['git-revision', '0123456789abcdef0123456789abcdef01234567', true],
  ['git-revision', 'main', false],
  ['nonzero-int', 7, true],
  ['nonzero-int', -3, true],
  ['nonzero-int', 0, false],
  ['nonzero-int', 1.5, false],
  ['seed-uint32', 1, true],
  ['seed-uint32', 4294967295, true],
  ['seed-uint32', 4294967296, false],
  ['seed-uint32', -1, false],
  ['positive-int', 1, true],
  ['positive-int', 0, false],
  ['runner-label', 'self-hosted,linux,x64,gpu', true],
  ['runner-label', 'gpu-t4-4-core', true],
  ['runner-label', 'a, b', false],
  ['hf-model-id', 'Qwen/Qwen2.5-0.5B-Instruct', true],
  ['hf-model-id', 'justname', false],
];

describe('validators', () => {
  it.each(cases)('%s(%j) valid=%s', (name, value, valid) => {
    expect(VALIDATORS[name](value) === undefined).toBe(valid);
  });
});

describe('resolveAnswers', () => {
  const manifest = parseManifest(JSON.parse(demoTemplate()['template.json'] as string), 'demo');

  it('fills defaults in question order', () => {
    expect(resolveAnswers(manifest, {})).toEqual({ name: 'demo-app', seed: 42, gpu: true, flavour: 'plain' });
    expect(Object.keys(resolveAnswers(manifest, { flavour: 'fancy', name: 'x' }))).toEqual(['name', 'seed', 'gpu', 'flavour']);
  });

  it('coerces --set strings to the question type', () => {
    expect(resolveAnswers(manifest, { seed: '-7', gpu: 'false', flavour: 'fancy' })).toMatchObject({ seed: -7, gpu: false, flavour: 'fancy' });
  });

  it('reports every problem at once, one line each', () => {
    try {
      resolveAnswers(manifest, { name: 'Bad Name', seed: '0', gpu: 'maybe', flavour: 'odd', sede: '1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const lines = (error as ValidationError).problems;
      expect(lines).toHaveLength(5);
      expect(lines[0]).toMatch(/Unknown answer "sede"/);
      expect(lines.join('\n')).toMatch(/Invalid name "Bad Name": must be a valid npm package name/);
      expect(lines.join('\n')).toMatch(/Invalid seed 0: must be a non-zero integer/);
      expect(lines.join('\n')).toMatch(/Invalid gpu "maybe": must be true or false/);
      expect(lines.join('\n')).toMatch(/Invalid flavour "odd": must be one of: plain, fancy/);
    }
  });

  it('parses --set pairs and rejects malformed ones', () => {
    expect(parseSetFlags(['a=1', 'b=x=y', 'c='])).toEqual({ a: '1', b: 'x=y', c: '' });
    expect(() => parseSetFlags(['noequals', '=v'])).toThrow(/--set noequals: expected key=value\n--set =v: expected key=value/);
  });
});

describe('parseManifest', () => {
  const base = JSON.parse(demoTemplate()['template.json'] as string);
  it.each([
    [{ ...base, version: '1.0' }, /"version" must be a semver/],
    [{ ...base, questions: 'x' }, /"questions" must be an array/],
    [{ ...base, questions: [{ name: 'a', type: 'text', default: 'x' }] }, /type must be/],
    [{ ...base, questions: [{ name: 'a', type: 'string', default: 'x', validate: 'nope' }] }, /no known validator: nope/],
    [{ ...base, questions: [{ name: 'a', type: 'select', default: 'x' }] }, /select without choices/],
    [{ ...base, questions: [{ name: 'a', type: 'string' }] }, /default is required/],
    [{ ...base, ownership: { owned: 'x' } }, /"ownership.owned" must be an array/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseManifest(raw, 'm.json')).toThrow(message);
  });
});
