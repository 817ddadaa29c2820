// Small pure pieces of verify: suppression comments, engines ranges, Dockerfile stages, workflow parsing.
import { describe, expect, it } from 'vitest';
import { finalStageEnv, parseDockerfile } from '../../src/verify/dockerfile.ts';
import { satisfies } from '../../src/verify/rules/npm-lock.ts';
import { RULES } from '../../src/verify/rules/index.ts';
import { inlineSuppression } from '../../src/verify/suppress.ts';
import { parseWorkflow } from '../../src/verify/workflows.ts';

const rule = RULES.find((r) => r.id === 'DETML001')!;
const at = (line: number) => ({ ruleId: 'DETML001', message: '', path: 'x', line, column: 1 });

describe('inline suppressions', () => {
  it.each([
    ['# detml-ignore DETML001\nFROM x', 2, {}],
    ['FROM x # detml-ignore pin/from-digest', 1, {}],
    ['// detml-ignore DETML020, detml001 -- vendor code\ncall()', 2, { justification: 'vendor code' }],
    ['/* detml-ignore DETML001 */\nx', 2, {}],
    ['<!-- detml-ignore DETML001 -- why -->\nx', 2, { justification: 'why' }],
  ])('%j suppresses line %i', (text, line, expected) => {
    expect(inlineSuppression(text, at(line), rule)).toEqual(expected);
  });

  it.each([
    ['# detml-ignore DETML002\nFROM x', 2],
    ['# detml-ignore DETML001\n\nFROM x', 3],
    ['# detml-ignore\nFROM x', 2],
    ['FROM x # detml-ignore-all', 1],
  ])('%j does not suppress line %i', (text, line) => {
    expect(inlineSuppression(text, at(line), rule)).toBeUndefined();
  });
});

describe('engines ranges', () => {
  it.each([
    ['20.20.2', '>=20.6.0', true],
    ['18.20.0', '>=20.6.0', false],
    ['20.20.2', '^20.17.0 || >=22.9.0', true],
    ['21.0.0', '^20.17.0 || >=22.9.0', false],
    ['20.20.2', '20.20.2', true],
    ['20.20.2', '20', true],
    ['20.20.2', '~20.19.0', false],
    ['20.20.2', '>=20 <21', true],
    ['20.20.2', 'lts/*', undefined],
    ['20.20.2', '20.x', true],
    ['21.0.0', '20.x', false],
    ['20.20.2', '~20', true],
    ['21.5.0', '20 - 22', true],
    ['23.0.0', '20 - 22', false],
    ['0.9.0', '^0.2.3', false],
    ['0.2.9', '^0.2.3', true],
    ['20.20.2', '>= 20.6.0', true],
    ['20.20.2', 'not a range', undefined],
  ] as const)('%s in %j: %s', (v, range, ok) => {
    expect(satisfies(v, range)).toBe(ok);
  });
});

describe('parsers', () => {
  it('Dockerfile stages: FROM details and the final stage env through stage inheritance', () => {
    const stages = parseDockerfile(
      'ARG X=1\nFROM a:1@sha256:' + 'c'.repeat(64) + ' AS base\nENV A=1 B="two words"\nFROM base\nENV A=3\n',
    );
    expect(stages.map((s) => [s.from.image.value, s.from.stageName, s.from.refersToStage])).toEqual([
      [`a:1@sha256:${'c'.repeat(64)}`, 'base', false],
      ['base', undefined, true],
    ]);
    expect(Object.fromEntries([...finalStageEnv(stages)].map(([k, v]) => [k, v.value]))).toEqual({
      A: '3',
      B: 'two words',
    });
  });

  it('workflows: env values as strings, container string or map, uses of steps and jobs, errors located', () => {
    const wf = parseWorkflow(
      'w.yml',
      'env: {A: 0}\njobs:\n  a:\n    container: img:1\n    steps: [{uses: x/y@v1}]\n  b:\n    uses: o/r/.github/workflows/w.yml@v2\n',
    );
    expect(wf.env.get('A')).toEqual({ value: '0', line: 1, column: 10 });
    expect(wf.jobs.map((j) => [j.id, j.container?.value, j.uses.map((u) => u.value)])).toEqual([
      ['a', 'img:1', ['x/y@v1']],
      ['b', undefined, ['o/r/.github/workflows/w.yml@v2']],
    ]);
    expect(parseWorkflow('w.yml', 'jobs: [\n').error).toMatchObject({ line: expect.any(Number) });
  });
});
