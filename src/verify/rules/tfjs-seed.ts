import type * as TS from 'typescript';
import type { Project } from '../project.ts';
import { importBindings, literalValue, NOT_LITERAL, unwrap, type TypeScript } from '../ts-ast.ts';
import { ObjectResolver } from '../ts-objects.ts';
import { finding, type Finding, type Rule } from '../types.ts';
import { findCallProblems } from './framework-calls.ts';

/** tfjs-core random ops and the index of their `seed` parameter (4.22 signatures). */
const SEED_INDEX: Record<string, number> = {
  randomNormal: 4,
  randomUniform: 4,
  truncatedNormal: 4,
  randomGamma: 4,
  randomStandardNormal: 2,
  randomUniformInt: 3,
  multinomial: 2,
  dropout: 3,
};

/** tf.initializers.* factories that take `{ seed }` in their config object. */
const INITIALIZERS = new Set([
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'leCunNormal',
  'leCunUniform',
  'varianceScaling',
  'orthogonal',
]);

const TFJS = /^@tensorflow\/tfjs(-[a-z-]+)?$/;

/** DETML020: every tfjs random op and random initializer gets an explicit non-zero seed. */
export const tfjsSeed: Rule = {
  id: 'DETML020',
  name: 'tfjs/random-seed',
  summary: 'tfjs random ops and initializers have a non-zero seed',
  help: 'tfjs replaces a missing or 0 seed with Math.random(). Pass the project seed (never 0): tf.randomNormal(shape, 0, 1, "float32", SEED), tf.initializers.glorotUniform({ seed: SEED }).',
  async run(project: Project): Promise<Finding[]> {
    const problems = await findCallProblems(
      project,
      '@tensorflow/tfjs',
      TFJS,
      (call, { ts, resolver, file, bindings }) => {
        const op = randomOp(ts, call.expression, bindings);
        if (!op) return undefined;
        const problem =
          op.kind === 'op' ? seedArgProblem(ts, call, op.name, file) : initializerProblem(ts, resolver, call, file);
        return problem ? `${op.display}(…) ${problem}; pass a non-zero seed (the project seed).` : undefined;
      },
    );
    return problems.map((p) => finding(this, p.path, p.message, p.position));
  },
};

type Op = { kind: 'op' | 'initializer'; name: string; display: string };

function randomOp(ts: TypeScript, callee: TS.Expression, b: ReturnType<typeof importBindings>): Op | undefined {
  const e = unwrap(ts, callee);
  if (ts.isIdentifier(e)) {
    const imported = b.named.get(e.text);
    return imported && imported in SEED_INDEX ? { kind: 'op', name: imported, display: e.text } : undefined;
  }
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  const name = e.name.text;
  const target = unwrap(ts, e.expression);
  if (ts.isIdentifier(target) && b.namespaces.has(target.text) && name in SEED_INDEX)
    return { kind: 'op', name, display: `${target.text}.${name}` };
  const isInitializers =
    (ts.isIdentifier(target) && b.named.get(target.text) === 'initializers') ||
    (ts.isPropertyAccessExpression(target) &&
      target.name.text === 'initializers' &&
      ts.isIdentifier(target.expression) &&
      b.namespaces.has(target.expression.text));
  if (isInitializers && INITIALIZERS.has(name))
    return { kind: 'initializer', name, display: `${target.getText()}.${name}` };
  return undefined;
}

function seedArgProblem(ts: TypeScript, call: TS.CallExpression, op: string, file: TS.SourceFile): string | undefined {
  const arg = call.arguments[SEED_INDEX[op]!];
  if (!arg) return 'has no seed argument';
  return falsySeed(ts, arg, file);
}

function initializerProblem(
  ts: TypeScript,
  resolver: ObjectResolver,
  call: TS.CallExpression,
  file: TS.SourceFile,
): string | undefined {
  const config = call.arguments[0];
  if (!config) return 'has no config, so no seed';
  const objects = resolver.objects(config, file);
  if (!objects) return 'has a config that cannot be checked statically (write the object literal here)';
  for (const obj of objects) {
    const seed = resolver.property(obj, 'seed', file);
    if (seed === undefined) return 'has no seed in its config';
    if (seed !== 'unknown') {
      const problem = falsySeed(ts, seed, file);
      if (problem) return problem;
    }
  }
  return undefined;
}

function falsySeed(ts: TypeScript, arg: TS.Expression, file: TS.SourceFile): string | undefined {
  const value = literalValue(ts, arg, file);
  if (value === NOT_LITERAL) return undefined;
  if (value === null || value === 0 || value === false || value === '')
    return `has seed ${arg.getText(file)}, which tfjs treats as unseeded`;
  return undefined;
}
