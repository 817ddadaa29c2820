import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import templateSchema from '../../schemas/template.schema.json' with { type: 'json' };
import { UserError, ValidationError } from '../../src/errors.ts';
import { parseSetFlags, resolveAnswers } from '../../src/templates/answers.ts';
import { loadManifest, parseManifest } from '../../src/templates/manifest.ts';
import { VALIDATORS, type ValidatorName } from '../../src/templates/validators.ts';
import { demoTemplate } from '../helpers/fixture-template.ts';
import { TEMPLATES_DIR } from '../helpers/paths.ts';

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
    expect(Object.keys(resolveAnswers(manifest, { flavour: 'fancy', name: 'x' }))).toEqual([
      'name',
      'seed',
      'gpu',
      'flavour',
    ]);
  });

  it('coerces --set strings to the question type', () => {
    expect(resolveAnswers(manifest, { seed: '-7', gpu: 'false', flavour: 'fancy' })).toMatchObject({
      seed: -7,
      gpu: false,
      flavour: 'fancy',
    });
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
    expect(() => parseSetFlags(['noequals', '=v'])).toThrow(
      /--set noequals: expected key=value\n--set =v: expected key=value/,
    );
  });
});

describe('parseManifest (schemas/template.schema.json)', () => {
  const base = JSON.parse(demoTemplate()['template.json'] as string);
  const q = (extra: object) => ({ ...base, questions: [{ name: 'a', type: 'string', default: 'x', ...extra }] });
  it.each([
    [
      { ...base, version: '1.0' },
      '$.version: must be a semver version like 1.2.3 (no "v", nothing after it) (got "1.0")',
    ],
    [
      { ...base, version: '1.2.3foo' },
      '$.version: must be a semver version like 1.2.3 (no "v", nothing after it) (got "1.2.3foo")',
    ],
    [{ ...base, version: 'v1.2.3' }, '$.version: must be a semver version'],
    [{ ...base, questions: 'x' }, '$.questions: must be an array (got "x")'],
    [q({ type: 'text' }), '$.questions[0].type: must be one of "string", "integer", "boolean", "select" (got "text")'],
    [q({ validate: 'nope' }), '$.questions[0].validate: must be one of "npm-package-name", '],
    [q({ type: 'select' }), '$.questions[0].choices: is required'],
    [q({ default: undefined }), '$.questions[0].default: is required'],
    [q({ colour: 'red' }), '$.questions[0].colour: is not a known key'],
    [{ ...base, ownership: { owned: 'x' } }, '$.ownership.owned: must be an array (got "x")'],
    [
      { ...base, executable: ['ok/*', 'bin/{a,b'] },
      '$.executable[1]: "bin/{a,b" is not a valid glob (an unclosed "{" or "(")',
    ],
    [
      { ...base, migrations: [{ version: '1.0.0', ops: [{ op: 'explode' }] }] },
      '$.migrations[0].ops[0].op: must be one of "renameAnswer", "changeDefault", "moveFile"',
    ],
    [
      { ...base, migrations: [{ version: '1.0.0', ops: [{ op: 'moveFile', from: 'a' }] }] },
      '$.migrations[0].ops[0].to: is required',
    ],
  ])('rejects %j', (raw, message) => {
    expect(() => parseManifest(raw, 'm.json')).toThrow(UserError);
    expect(() => parseManifest(raw, 'm.json')).toThrow(`Invalid template manifest m.json: ${message}`);
  });

  it('reports every problem at once, each with its JSON path', () => {
    const raw = {
      ...base,
      version: 'latest',
      questions: [{ name: '1x', type: 'select', default: 'x' }],
      lockfiles: { a: 1 },
    };
    expect(() => parseManifest(raw, 'm.json')).toThrow(
      [
        'Invalid template manifest m.json: $.version: must be a semver version like 1.2.3 (no "v", nothing after it) (got "latest")',
        '$.questions[0].choices: is required',
        '$.questions[0].name: must be an identifier (letters and digits, starting with a letter) (got "1x")',
        '$.lockfiles.a: must be a string (got 1)',
      ].join('; '),
    );
  });

  it('names exactly the validators that exist', () => {
    expect([...templateSchema.definitions.question.properties.validate.enum].sort()).toEqual(
      Object.keys(VALIDATORS).sort(),
    );
  });

  it('accepts every shipped template and fills in defaults', () => {
    expect(
      parseManifest(
        { id: 'x', version: '1.0.0+build.1', questions: [{ name: 'a', type: 'boolean', default: true }] },
        'm.json',
      ),
    ).toEqual({
      id: 'x',
      version: '1.0.0+build.1',
      description: '',
      questions: [{ name: 'a', type: 'boolean', default: true, message: 'a', prompt: true }],
      ownership: { owned: [], seeded: [] },
      executable: [],
      lockfiles: {},
      installEnv: {},
      layers: [],
      nextSteps: [],
      migrations: [],
    });
    for (const id of ['onnx', 'tfjs', 'vllm']) expect(loadManifest(join(TEMPLATES_DIR, id)).id).toBe(id);
  });
});
