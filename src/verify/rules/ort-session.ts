import type * as TS from 'typescript';
import type { Project } from '../project.ts';
import { importBindings, literalValue, NOT_LITERAL, unwrap, type TypeScript } from '../ts-ast.ts';
import { ObjectResolver } from '../ts-objects.ts';
import { finding, type Finding, type Rule } from '../types.ts';
import { findCallProblems } from './framework-calls.ts';

const ORT = /^onnxruntime-(node|web|common|react-native)$/;

/** DETML021: `InferenceSession.create(...)` gets the deterministic session options. */
export const ortSessionOptions: Rule = {
  id: 'DETML021',
  name: 'ort/session-options',
  summary: 'ONNX Runtime sessions are created with deterministic options',
  help: 'Pass { executionMode: "sequential", intraOpNumThreads: N, interOpNumThreads: 1, extra: { session: { use_deterministic_compute: "1" } } } as the session options; thread counts are part of the numerics.',
  async run(project: Project): Promise<Finding[]> {
    const problems = await findCallProblems(project, 'onnxruntime', ORT, (call, { ts, resolver, file, bindings }) => {
      if (!isCreate(ts, call.expression, bindings)) return undefined;
      const found = optionProblems(ts, resolver, call, file);
      return found.length ? `InferenceSession.create(…): ${found.join('; ')}.` : undefined;
    });
    return problems.map((p) => finding(this, p.path, p.message, p.position));
  },
};

function isCreate(ts: TypeScript, callee: TS.Expression, b: ReturnType<typeof importBindings>): boolean {
  const e = unwrap(ts, callee);
  if (!ts.isPropertyAccessExpression(e) || e.name.text !== 'create') return false;
  const target = unwrap(ts, e.expression);
  if (ts.isIdentifier(target)) return b.named.get(target.text) === 'InferenceSession';
  return (
    ts.isPropertyAccessExpression(target) &&
    target.name.text === 'InferenceSession' &&
    ts.isIdentifier(target.expression) &&
    b.namespaces.has(target.expression.text)
  );
}

/** create(pathOrBuffer, options) or create(buffer, byteOffset, byteLength, options). */
function optionsArgument(call: TS.CallExpression): TS.Expression | undefined {
  const n = call.arguments.length;
  return n === 2 ? call.arguments[1] : n >= 4 ? call.arguments[3] : undefined;
}

function optionProblems(
  ts: TypeScript,
  resolver: ObjectResolver,
  call: TS.CallExpression,
  file: TS.SourceFile,
): string[] {
  const arg = optionsArgument(call);
  if (!arg) return ['no session options (ORT then picks thread counts and execution mode from the machine)'];
  const objects = resolver.objects(arg, file);
  if (!objects)
    return [
      'the session options cannot be checked statically (build them in an object literal or a local function that returns one)',
    ];
  const problems = new Set<string>();
  for (const obj of objects) {
    const src = obj.getSourceFile();
    const literal = (name: string, from = obj) => {
      const v = resolver.property(from, name, src);
      return v === undefined ? undefined : v === 'unknown' ? NOT_LITERAL : literalValue(ts, v, src);
    };
    const mode = literal('executionMode');
    if (mode !== 'sequential' && mode !== NOT_LITERAL)
      problems.add(`executionMode is ${mode === undefined ? 'not set' : JSON.stringify(mode)} (must be "sequential")`);
    for (const threads of ['intraOpNumThreads', 'interOpNumThreads']) {
      const v = literal(threads);
      if (v === undefined) problems.add(`${threads} is not set (0/unset means "all cores")`);
      else if (v !== NOT_LITERAL && !(typeof v === 'number' && Number.isInteger(v) && v > 0))
        problems.add(`${threads} is ${JSON.stringify(v)} (must be a positive integer)`);
    }
    const deterministic = nested(ts, resolver, obj, ['extra', 'session'], 'use_deterministic_compute');
    if (deterministic !== NOT_LITERAL && deterministic !== '1') {
      problems.add(
        `extra.session.use_deterministic_compute is ${deterministic === undefined ? 'not set' : JSON.stringify(deterministic)} (must be "1")`,
      );
    }
  }
  return [...problems];
}

function nested(
  ts: TypeScript,
  resolver: ObjectResolver,
  obj: TS.ObjectLiteralExpression,
  path: string[],
  key: string,
): unknown {
  let current: TS.ObjectLiteralExpression[] = [obj];
  for (const step of [...path, key]) {
    const values = current.map((o) => resolver.property(o, step, o.getSourceFile()));
    if (values.some((v) => v === undefined)) return undefined;
    if (values.some((v) => v === 'unknown')) return NOT_LITERAL;
    const exprs = values as TS.Expression[];
    if (step === key) {
      const lits = exprs.map((e) => literalValue(ts, e, e.getSourceFile()));
      return lits.every((l) => l === lits[0]) ? lits[0] : NOT_LITERAL;
    }
    const next: TS.ObjectLiteralExpression[] = [];
    for (const e of exprs) {
      const objs = resolver.objects(e, e.getSourceFile());
      if (!objs) return NOT_LITERAL;
      next.push(...objs);
    }
    current = next;
  }
  return NOT_LITERAL;
}
