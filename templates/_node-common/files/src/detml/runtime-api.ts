// What the shared plumbing (cli.ts, golden.ts, test/golden.test.ts) needs from a framework, and the case loop every
// framework's run.ts uses. Each template that uses this layer implements `Runtime` in src/detml/runtime.ts and
// exports it as `runtime`.
import type { TensorSummary } from './digest.js';
import { DetmlError } from './env-core.js';
import type { AnyFingerprint } from './fingerprint-core.js';

/** The digests of one case: its inputs (to tell input changes from output changes) and each output. */
export interface CaseResult {
  id: string;
  inputSha256: string;
  outputs: Record<string, TensorSummary>;
}

/** One run of every case of src/cases.ts, with what ran it: all the golden store needs. */
export interface RunResult {
  results: CaseResult[];
  fingerprint: AnyFingerprint;
  /** One sha256 for the model, recorded in each golden so a diff can tell a changed model from a regression. */
  modelSha256: string;
}

/** A framework as the shared plumbing sees it. Importing runtime.ts must not load the framework: the checks come first. */
export interface Runtime {
  /** Refuses (DetmlError, one line) unless the determinism environment is right; call it before the framework loads. */
  checkEnvironment(): void;
  /** This machine's fingerprint for the configured run; reports the environment as it is and refuses nothing. */
  fingerprint(): Promise<AnyFingerprint>;
  /** Checks the environment, runs every case in order and fingerprints what ran them. */
  run(): Promise<RunResult>;
}

const CASE_ID = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Runs cases one at a time, in order (never concurrently: one request at a time keeps kernel scheduling fixed), after
 * checking that each id is a usable file name and unique.
 */
export async function runEachCase<C extends { id: string }>(cases: readonly C[], runCase: (c: C) => Promise<CaseResult>): Promise<CaseResult[]> {
  const seen = new Set<string>();
  const results: CaseResult[] = [];
  for (const c of cases) {
    if (!CASE_ID.test(c.id)) throw new DetmlError(`case id ${JSON.stringify(c.id)} must match ${CASE_ID} (it is a file name)`);
    if (seen.has(c.id)) throw new DetmlError(`case id ${c.id} is used twice`);
    seen.add(c.id);
    results.push(await runCase(c));
  }
  return results;
}
