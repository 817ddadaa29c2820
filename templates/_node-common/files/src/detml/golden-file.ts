// The golden files on disk: goldens/<class-key>/<case>.json, their schema, and reading and writing a whole class.
// Golden files are input like any other (a hand edit, a bad merge), so reading checks their shape.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from './config-core.js';
import type { TensorSummary } from './digest.js';
import { DetmlError } from './env-core.js';
import type { AnyFingerprint } from './fingerprint-core.js';
import type { CaseResult, RunResult } from './runtime-api.js';

/** One case of one class as stored in goldens/<class-key>/<case>.json. */
export interface GoldenFile {
  schema: 'detml.golden/v1';
  case: string;
  classKey: string;
  /** The model the outputs were recorded with; a check with another model fails even when the outputs match. */
  modelSha256: string;
  inputSha256: string;
  outputs: Record<string, TensorSummary>;
  /** The fingerprint at record time, without its timestamp, so re-recording unchanged results is a no-op diff. */
  fingerprint: Pick<AnyFingerprint, 'strict' | 'soft'>;
}

/** The golden of one case of a run. */
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

/** Replaces `dir` with one golden file per case of the run. */
export function writeClass(dir: string, run: RunResult): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const result of run.results) writeFileSync(join(dir, `${result.id}.json`), `${JSON.stringify(toGolden(result, run), null, 2)}\n`);
}

/** Reads one golden file; anything but a detml.golden/v1 document is a one-line error naming the file. */
export function readGolden(file: string): GoldenFile {
  try {
    const golden = JSON.parse(readFileSync(file, 'utf8')) as GoldenFile;
    const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (golden.schema !== 'detml.golden/v1' || !isObj(golden.outputs) || typeof golden.modelSha256 !== 'string' || !isObj(golden.fingerprint)) {
      throw new Error('not a detml.golden/v1 file');
    }
    return golden;
  } catch (error) {
    throw new DetmlError(`cannot read golden ${show(file)}: ${(error as Error).message}`);
  }
}

/** The golden files of one class folder, by case id (file name without .json). */
export function readClass(dir: string): Map<string, GoldenFile> {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  return new Map(files.map((f) => [f.slice(0, -'.json'.length), readGolden(join(dir, f))]));
}

/** The class folders under goldens/, sorted. */
export function knownClasses(goldens: string): string[] {
  if (!existsSync(goldens)) return [];
  return readdirSync(goldens, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Project-relative when inside the project (readable), absolute otherwise. */
export function show(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}
