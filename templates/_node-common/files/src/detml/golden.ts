// The golden store, the same for every framework: goldens/<class-key>/<case>.json. Recording writes the current class;
// checking compares with it. A class with no goldens is a new hardware class, not a regression: it passes with a
// warning and leaves candidates in out/candidates/<class-key>/ for a human to review and promote. Nothing is ever
// blessed silently. What it stores comes from a Runtime (runtime-api.ts): the case results and the fingerprint.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from './config-core.js';
import type { TensorSummary } from './digest.js';
import { DetmlError } from './env-core.js';
import type { AnyFingerprint } from './fingerprint-core.js';
import type { CaseResult, RunResult, Runtime } from './runtime-api.js';

export type GoldenMode = 'record' | 'check';

export interface GoldenFile {
  schema: 'detml.golden/v1';
  case: string;
  classKey: string;
  modelSha256: string;
  inputSha256: string;
  outputs: Record<string, TensorSummary>;
  /** The fingerprint at record time, without its timestamp, so re-recording unchanged results is a no-op diff. */
  fingerprint: Pick<AnyFingerprint, 'strict' | 'soft'>;
}

export interface GoldenDirs {
  goldens: string;
  candidates: string;
}

export interface GoldenReport {
  mode: GoldenMode;
  classKey: string;
  /** Things a human should see (new class, new case, where candidates went); never a failure. */
  warnings: string[];
  /** One readable diff per mismatching case; any entry fails the check. */
  failures: string[];
}

export const DEFAULT_DIRS: GoldenDirs = {
  goldens: resolve(PROJECT_ROOT, 'goldens'),
  candidates: resolve(PROJECT_ROOT, 'out/candidates'),
};

/** DETML_GOLDEN_MODE: `check` (default) or `record`. */
export function goldenMode(env: Readonly<Record<string, string | undefined>> = process.env): GoldenMode {
  const mode = env.DETML_GOLDEN_MODE || 'check';
  if (mode !== 'check' && mode !== 'record') throw new DetmlError(`DETML_GOLDEN_MODE must be record or check (got ${JSON.stringify(mode)})`);
  return mode;
}

/** Runs the project and records or checks its goldens; the caller reports warnings and failures. */
export async function runGoldens(runtime: Runtime, mode: GoldenMode, dirs = DEFAULT_DIRS): Promise<GoldenReport> {
  const run = await runtime.run();
  return mode === 'record' ? recordGoldens(run, dirs) : checkGoldens(run, dirs);
}

export function toGolden(result: CaseResult, run: RunResult): GoldenFile {
  const fp = run.fingerprint;
  return {
    schema: 'detml.golden/v1',
    case: result.id,
    classKey: fp.classKey,
    modelSha256: run.modelSha256,
    inputSha256: result.inputSha256,
    outputs: result.outputs,
    fingerprint: { strict: fp.strict, soft: fp.soft },
  };
}

/** Replaces goldens/<class>/ with the current results (a recording is the whole truth for its class). */
export function recordGoldens(run: RunResult, dirs = DEFAULT_DIRS): GoldenReport {
  const { classKey } = run.fingerprint;
  const dir = join(dirs.goldens, classKey);
  writeAll(dir, run);
  return { mode: 'record', classKey, warnings: [`recorded ${run.results.length} goldens in ${show(dir)}; review and commit them`], failures: [] };
}

/** Compares the results with goldens/<class>/; see the file comment for unknown classes. */
export function checkGoldens(run: RunResult, dirs = DEFAULT_DIRS): GoldenReport {
  const { results, fingerprint: fp } = run;
  const report: GoldenReport = { mode: 'check', classKey: fp.classKey, warnings: [], failures: [] };
  const dir = join(dirs.goldens, fp.classKey);
  const candidates = join(dirs.candidates, fp.classKey);
  const promote = `review them, then copy ${show(candidates)} to ${show(dir)} to adopt them`;
  if (!existsSync(dir)) {
    writeAll(candidates, run);
    report.warnings.push(
      `no goldens for hardware class ${fp.classKey}: a new class, not a regression (known classes: ${knownClasses(dirs.goldens)}). ` +
        `Candidates written to ${show(candidates)}; ${promote}.`,
    );
    return report;
  }
  for (const result of results) {
    const file = join(dir, `${result.id}.json`);
    const actual = toGolden(result, run);
    if (!existsSync(file)) {
      report.warnings.push(`class ${fp.classKey} has no golden for case ${result.id} (a new case?)`);
      continue;
    }
    const diff = compareGolden(readGolden(file), actual, show(file));
    if (diff) report.failures.push(diff);
  }
  const current = new Set(results.map((r) => `${r.id}.json`));
  for (const stale of readdirSync(dir).filter((f) => f.endsWith('.json') && !current.has(f))) {
    report.warnings.push(`${show(join(dir, stale))} belongs to no current case; delete it if the case is gone`);
  }
  if (report.failures.length > 0 || report.warnings.length > 0) {
    writeAll(candidates, run);
    report.warnings.push(`candidates for all cases written to ${show(candidates)}; if the change is intended, ${promote}`);
  }
  return report;
}

/** A readable diff of one case, or undefined when every output digest matches. */
export function compareGolden(expected: GoldenFile, actual: GoldenFile, where: string): string | undefined {
  const lines: string[] = [];
  for (const name of new Set([...Object.keys(expected.outputs), ...Object.keys(actual.outputs)])) {
    const e = expected.outputs[name];
    const a = actual.outputs[name];
    if (e && a && e.sha256 === a.sha256) continue;
    if (!e || !a) {
      lines.push(`  output ${name}: ${e ? 'missing from this run' : 'not in the golden'}`);
      continue;
    }
    lines.push(`  output ${name}: expected sha256 ${e.sha256}`, `  ${' '.repeat(name.length + 9)}actual   sha256 ${a.sha256}`);
    const shapeE = `${e.dtype}[${e.shape.join(',')}]`;
    const shapeA = `${a.dtype}[${a.shape.join(',')}]`;
    lines.push(`    dtype/shape: ${shapeE === shapeA ? `${shapeE} (same)` : `expected ${shapeE}, actual ${shapeA}`}`);
    lines.push(...valueDiff(e, a));
  }
  if (lines.length === 0) return undefined;
  lines.push(
    expected.inputSha256 === actual.inputSha256
      ? '  inputs: same as recorded, so the model output itself changed'
      : `  inputs: CHANGED (recorded ${expected.inputSha256.slice(0, 16)}…, now ${actual.inputSha256.slice(0, 16)}…): seed or src/cases.ts changed; re-record if intended`,
    expected.modelSha256 === actual.modelSha256
      ? '  model: same sha256 as recorded'
      : `  model: CHANGED (recorded ${expected.modelSha256.slice(0, 16)}…, now ${actual.modelSha256.slice(0, 16)}…); re-record if intended`,
  );
  const fields = fingerprintDiff(expected.fingerprint, actual.fingerprint);
  lines.push(
    fields.length > 0
      ? `  fingerprint fields that differ from the recording:\n${fields.map((f) => `    ${f}`).join('\n')}`
      : '  fingerprint: identical to the recording (same class, same environment): a regression or nondeterminism',
  );
  return `golden mismatch: case ${actual.case} in class ${actual.classKey} (${where})\n${lines.join('\n')}`;
}

function valueDiff(e: TensorSummary, a: TensorSummary): string[] {
  const out: string[] = [];
  const n = Math.min(e.head.length, a.head.length);
  for (let i = 0; i < n && out.length < 5; i++) {
    if (e.head[i] === a.head[i]) continue;
    const ulps = e.dtype === 'float32' && a.dtype === 'float32' ? ` (${ulpDistance(Number(e.head[i]), Number(a.head[i]))} ulp)` : '';
    out.push(`      [${i}] expected ${e.head[i]}  actual ${a.head[i]}${ulps}`);
  }
  if (out.length > 0) return ['    first differing values (flat index):', ...out];
  const size = a.shape.reduce((x, y) => x * y, 1);
  return n >= size
    ? [`    all ${size} values are stored and equal: the golden's sha256 does not match its own values (edited by hand?)`]
    : [`    the ${n} stored leading values are equal; the difference is further into the tensor`];
}

/** Distance in float32 units in the last place (bit patterns mapped to a monotonic integer line). */
function ulpDistance(x: number, y: number): number {
  const bits = new Int32Array(new Float32Array([x, y]).buffer);
  const line = (b: number) => (b < 0 ? -2147483648 - b : b);
  return Math.abs(line(bits[0]!) - line(bits[1]!));
}

function fingerprintDiff(expected: unknown, actual: unknown, path = ''): string[] {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(expected) || !isObj(actual)) return [`${path}: ${JSON.stringify(expected)} -> ${JSON.stringify(actual)}`];
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  return keys.flatMap((k) => fingerprintDiff(expected[k], actual[k], path ? `${path}.${k}` : k));
}

function writeAll(dir: string, run: RunResult): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const result of run.results) writeFileSync(join(dir, `${result.id}.json`), `${JSON.stringify(toGolden(result, run), null, 2)}\n`);
}

function readGolden(file: string): GoldenFile {
  try {
    const golden = JSON.parse(readFileSync(file, 'utf8')) as GoldenFile;
    if (golden.schema !== 'detml.golden/v1' || typeof golden.outputs !== 'object') throw new Error('not a detml.golden/v1 file');
    return golden;
  } catch (error) {
    throw new DetmlError(`cannot read golden ${show(file)}: ${(error as Error).message}`);
  }
}

function knownClasses(goldens: string): string {
  const names = existsSync(goldens) ? readdirSync(goldens, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  return names.length > 0 ? names.join(', ') : 'none yet';
}

/** Project-relative when inside the project (readable), absolute otherwise. */
function show(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}
