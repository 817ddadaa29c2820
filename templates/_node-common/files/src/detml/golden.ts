// The golden store, the same for every framework: goldens/<class-key>/<case>.json. Recording writes the current class;
// checking compares with it. A class with no goldens fails in CI and with --strict (locally it warns), always writes
// candidates to out/candidates/<class-key>/ (CI uploads them) and says how its numbers compare with every recorded
// class. Nothing is ever blessed without a commit, and recording never replaces differing goldens without --force.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goldensSettings, PROJECT_ROOT, type UnknownClassPolicy } from './config-core.js';
import { DetmlError } from './env-core.js';
import { compareGolden, crossClassReport } from './golden-diff.js';
import { knownClasses, readClass, readGolden, show, toGolden, writeClass, type GoldenFile } from './golden-file.js';
import type { RunResult, Runtime } from './runtime-api.js';

export { compareGolden, crossClassReport } from './golden-diff.js';
export { toGolden, type GoldenFile } from './golden-file.js';
export type { UnknownClassPolicy } from './config-core.js';

export type GoldenMode = 'record' | 'check';

export interface GoldenDirs {
  goldens: string;
  candidates: string;
}

/** How a check treats an unknown class, and whether a recording may replace differing goldens. */
export interface GoldenOptions {
  unknownClass: UnknownClassPolicy;
  force: boolean;
}

export interface GoldenReport {
  mode: GoldenMode;
  classKey: string;
  /** Things a human should see (new class under `warn`, new case, where candidates went); never a failure. */
  warnings: string[];
  /** One readable entry per problem; any entry fails the check or the recording. */
  failures: string[];
}

export const DEFAULT_DIRS: GoldenDirs = {
  goldens: resolve(PROJECT_ROOT, 'goldens'),
  candidates: resolve(PROJECT_ROOT, 'out/candidates'),
};

/** The command that records this project's goldens (printed in messages, so it must be the real one). */
export const RECORD_COMMAND = 'npm run goldens:record';

type Env = Readonly<Record<string, string | undefined>>;

/** DETML_GOLDEN_MODE: `check` (default) or `record`. */
export function goldenMode(env: Env = process.env): GoldenMode {
  const mode = env.DETML_GOLDEN_MODE || 'check';
  if (mode !== 'check' && mode !== 'record') throw new DetmlError(`DETML_GOLDEN_MODE must be record or check (got ${JSON.stringify(mode)})`);
  return mode;
}

/** A truthy environment flag: set, non-empty, and not 0 or false (CI=false is how some runners say "not CI"). */
function flag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * What an unknown class does: `--strict` / DETML_STRICT=1 always fail; otherwise `goldens.unknownClass` of
 * detml.config.json when set; otherwise fail when CI is set and warn locally.
 */
export function unknownClassPolicy(strict: boolean, setting: UnknownClassPolicy | undefined, env: Env = process.env): UnknownClassPolicy {
  if (strict || flag(env.DETML_STRICT)) return 'fail';
  return setting ?? (flag(env.CI) ? 'fail' : 'warn');
}

/** The options from the flags and the environment (DETML_STRICT, DETML_GOLDEN_FORCE, CI) and detml.config.json. */
export function goldenOptions(flags: { strict?: boolean; force?: boolean } = {}, env: Env = process.env): GoldenOptions {
  return {
    unknownClass: unknownClassPolicy(flags.strict ?? false, goldensSettings().unknownClass, env),
    force: (flags.force ?? false) || flag(env.DETML_GOLDEN_FORCE),
  };
}

/** Runs the project and records or checks its goldens; the caller reports warnings and failures. */
export async function runGoldens(runtime: Runtime, mode: GoldenMode, options: GoldenOptions, dirs = DEFAULT_DIRS): Promise<GoldenReport> {
  const run = await runtime.run();
  return mode === 'record' ? recordGoldens(run, dirs, options) : checkGoldens(run, dirs, options);
}

/**
 * Writes goldens/<class>/ from the current results (a recording is the whole truth for its class). When the class
 * already has goldens whose outputs, inputs or model differ from this run, or that no current case has, it refuses and
 * lists each change, leaving every file as it was, unless `force`; with `force` it lists them and writes.
 */
export function recordGoldens(run: RunResult, dirs = DEFAULT_DIRS, options: Pick<GoldenOptions, 'force'> = { force: false }): GoldenReport {
  const { classKey } = run.fingerprint;
  const dir = join(dirs.goldens, classKey);
  const report: GoldenReport = { mode: 'record', classKey, warnings: [], failures: [] };
  const changes = existsSync(dir) ? changesAgainst(dir, run) : [];
  if (changes.length > 0 && !options.force) {
    report.failures.push(
      `refusing to overwrite ${show(dir)}: this run differs from its goldens; nothing was written. What would change:\n` +
        `${changes.join('\n')}\nIf the change is intended, run \`${RECORD_COMMAND} -- --force\` (or DETML_GOLDEN_FORCE=1) and review the diff before committing.`,
    );
    return report;
  }
  writeClass(dir, run);
  if (changes.length > 0) report.warnings.push(`--force: replaced differing goldens in ${show(dir)}:\n${changes.join('\n')}`);
  report.warnings.push(`recorded ${run.results.length} goldens in ${show(dir)}; review and commit them`);
  return report;
}

/** Every way the recorded class differs from this run in what it computes (outputs, inputs, model, cases). */
function changesAgainst(dir: string, run: RunResult): string[] {
  const changes: string[] = [];
  const current = new Set(run.results.map((r) => `${r.id}.json`));
  for (const result of run.results) {
    const file = join(dir, `${result.id}.json`);
    if (!existsSync(file)) continue; // a new case adds a file and changes none
    const golden = readGolden(file);
    const actual = toGolden(result, run);
    const diff = compareGolden(golden, actual, show(file));
    if (diff) changes.push(diff);
    else if (golden.inputSha256 !== actual.inputSha256 || golden.modelSha256 !== actual.modelSha256) {
      changes.push(`${show(file)}: same outputs, but recorded with other ${golden.inputSha256 !== actual.inputSha256 ? 'inputs' : 'model'}`);
    }
  }
  for (const stale of readdirSync(dir).filter((f) => f.endsWith('.json') && !current.has(f))) changes.push(`${show(join(dir, stale))}: would be deleted (no current case)`);
  return changes;
}

/** Compares the results with goldens/<class>/; see the file comment for unknown classes. */
export function checkGoldens(run: RunResult, dirs = DEFAULT_DIRS, options: Pick<GoldenOptions, 'unknownClass'> = { unknownClass: 'warn' }): GoldenReport {
  const { results, fingerprint: fp } = run;
  const report: GoldenReport = { mode: 'check', classKey: fp.classKey, warnings: [], failures: [] };
  const dir = join(dirs.goldens, fp.classKey);
  const candidates = join(dirs.candidates, fp.classKey);
  const promote = `review them, then copy ${show(candidates)} to ${show(dir)} to adopt them`;
  if (!existsSync(dir)) {
    writeClass(candidates, run);
    const message = unknownClassMessage(run, dirs, candidates, options.unknownClass);
    (options.unknownClass === 'fail' ? report.failures : report.warnings).push(message);
    return report;
  }
  for (const result of results) {
    const file = join(dir, `${result.id}.json`);
    const actual = toGolden(result, run);
    if (!existsSync(file)) {
      report.warnings.push(`class ${fp.classKey} has no golden for case ${result.id} (a new case?)`);
      continue;
    }
    const golden = readGolden(file);
    const diff = compareGolden(golden, actual, show(file));
    if (diff) report.failures.push(diff);
    else if (golden.modelSha256 !== actual.modelSha256) {
      report.failures.push(
        `golden ${show(file)} was recorded for model sha256 ${golden.modelSha256}, the current model is ${actual.modelSha256}: ` +
          `the outputs happen to match, but the golden does not test this model. Re-record: ${RECORD_COMMAND} -- --force`,
      );
    }
  }
  const current = new Set(results.map((r) => `${r.id}.json`));
  for (const stale of readdirSync(dir).filter((f) => f.endsWith('.json') && !current.has(f))) {
    report.warnings.push(`${show(join(dir, stale))} belongs to no current case; delete it if the case is gone`);
  }
  if (report.failures.length > 0 || report.warnings.length > 0) {
    writeClass(candidates, run);
    report.warnings.push(`candidates for all cases written to ${show(candidates)}; if the change is intended, ${promote}`);
  }
  return report;
}

/** The unknown-class message: what happened, how to record, and how this run compares with every recorded class. */
function unknownClassMessage(run: RunResult, dirs: GoldenDirs, candidates: string, policy: UnknownClassPolicy): string {
  const { classKey } = run.fingerprint;
  const known = knownClasses(dirs.goldens);
  const actual: GoldenFile[] = run.results.map((r) => toGolden(r, run));
  const classes = new Map(known.map((name) => [name, readClass(join(dirs.goldens, name))] as const));
  const compared = crossClassReport(actual, classes);
  const why =
    policy === 'fail'
      ? 'this fails because CI is set, --strict / DETML_STRICT=1 was given, or detml.config.json sets goldens.unknownClass to "fail"'
      : 'a warning, not a failure, outside CI (goldens.unknownClass in detml.config.json changes that)';
  return [
    `no goldens for hardware class ${classKey} (known classes: ${known.length > 0 ? known.join(', ') : 'none yet'}); ${why}.`,
    `Candidates (this run's goldens) are in ${show(candidates)}. To record this class on this machine: ${RECORD_COMMAND}` +
      ` (then review and commit ${show(join(dirs.goldens, classKey))}/); or copy the candidates there and commit them.`,
    ...(compared.length > 0 ? ['Compared with the recorded classes:', ...compared.map((line) => `  ${line}`)] : []),
  ].join('\n');
}
