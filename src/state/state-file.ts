import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Answers } from '../templates/answers.ts';
import type { Ownership } from '../templates/manifest.ts';
import { compareBytes, sha256, type RenderedTree } from '../templates/render.ts';
import { isExactVersion, isSha512Integrity } from './package-identity.ts';

/** Where a project records how it was generated, relative to its root. */
export const STATE_PATH = '.detml/state.json';

/** The state file's format version; readers refuse formats newer than they know. */
export const STATE_SCHEMA = 1;

/** What create-detml knows about one rendered file: its pristine hash and who owns it. */
export interface StateFileEntry {
  sha256: string;
  ownership: Ownership;
}

/** The contents of `.detml/state.json`: enough to re-render the exact same project later. */
export interface DetmlState {
  schema: typeof STATE_SCHEMA;
  /** The create-detml package whose templates rendered the project; `integrity` is its registry tarball's SRI sha512. */
  generator: { name: string; version: string; integrity?: string };
  template: { id: string; version: string };
  answers: Answers;
  /** Fleet settings the project owner sets by hand; sync carries them over unchanged. */
  fleet?: { optOut?: boolean; reason?: string };
  files: Record<string, StateFileEntry>;
}

/** Builds the state for a render: every path with its sha256 and ownership class, sorted by path. */
export function buildState(
  base: Omit<DetmlState, 'schema' | 'files'>,
  tree: RenderedTree,
  ownershipOf: (path: string) => Ownership,
): DetmlState {
  const files: Record<string, StateFileEntry> = {};
  for (const f of [...tree].sort((a, b) => compareBytes(a.path, b.path))) {
    files[f.path] = { sha256: sha256(f.contents), ownership: ownershipOf(f.path) };
  }
  return { schema: STATE_SCHEMA, ...base, files };
}

/** Serialises state deterministically (fixed key order, two-space indent, final newline). */
export function serializeState(state: DetmlState): string {
  const ordered = {
    schema: state.schema,
    generator: { name: state.generator.name, version: state.generator.version, ...(state.generator.integrity ? { integrity: state.generator.integrity } : {}) },
    template: { id: state.template.id, version: state.template.version },
    answers: state.answers,
    ...(state.fleet ? { fleet: state.fleet } : {}),
    files: Object.fromEntries(
      Object.keys(state.files)
        .sort(compareBytes)
        .map((p) => [p, { sha256: state.files[p]!.sha256, ownership: state.files[p]!.ownership }]),
    ),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Reads and validates a project's state file; a missing or corrupt file is a UserError that names the fix. */
export function readState(projectDir: string): DetmlState {
  const file = join(projectDir, STATE_PATH);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`${STATE_PATH} not found in ${projectDir}: run this inside a project created by create-detml.`);
  }
  return parseState(text, file);
}

/** Parses state JSON text; exported so sync can read the state file from a git object. */
export function parseState(text: string, where: string): DetmlState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corrupt(where, `not valid JSON (${(error as Error).message})`);
  }
  const problem = stateProblem(raw);
  if (problem) throw corrupt(where, problem);
  return raw as DetmlState;
}

/** Returns the first schema violation of a would-be state object, or undefined when it is valid. */
export function stateProblem(raw: unknown): string | undefined {
  if (!isObject(raw)) return 'not a JSON object';
  if (raw.schema !== STATE_SCHEMA) {
    return typeof raw.schema === 'number' && raw.schema > STATE_SCHEMA
      ? `schema ${raw.schema} is newer than this create-detml understands (${STATE_SCHEMA}); upgrade create-detml`
      : `"schema" must be ${STATE_SCHEMA}`;
  }
  if (!isObject(raw.generator) || typeof raw.generator.name !== 'string' || typeof raw.generator.version !== 'string') {
    return '"generator" must have string "name" and "version"';
  }
  if (!isExactVersion(raw.generator.version)) return `"generator.version" must be an exact version like 1.2.3, got ${JSON.stringify(raw.generator.version).slice(0, 200)}`;
  if (raw.generator.integrity !== undefined && !isSha512Integrity(raw.generator.integrity)) return '"generator.integrity" must be an SRI sha512 string (sha512-…)';
  if (!isObject(raw.template) || typeof raw.template.id !== 'string' || !/^\d+\.\d+\.\d+/.test(String(raw.template.version))) {
    return '"template" must have a string "id" and a semver "version"';
  }
  if (!isObject(raw.answers)) return '"answers" must be an object';
  for (const [k, v] of Object.entries(raw.answers)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) return `answer "${k}" must be a string, number or boolean`;
  }
  if (raw.fleet !== undefined) {
    if (!isObject(raw.fleet)) return '"fleet" must be an object';
    if (raw.fleet.optOut !== undefined && typeof raw.fleet.optOut !== 'boolean') return '"fleet.optOut" must be true or false';
    if (raw.fleet.reason !== undefined && typeof raw.fleet.reason !== 'string') return '"fleet.reason" must be a string';
  }
  if (!isObject(raw.files)) return '"files" must be an object';
  for (const [path, entry] of Object.entries(raw.files)) {
    if (!isObject(entry) || typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) {
      return `files["${path}"].sha256 must be 64 hex digits`;
    }
    if (!['owned', 'merged', 'seeded'].includes(String(entry.ownership))) {
      return `files["${path}"].ownership must be owned, merged or seeded`;
    }
  }
  return undefined;
}

function corrupt(where: string, problem: string): UserError {
  return new UserError(`${where} is corrupt: ${problem}. Restore it from git (git checkout -- ${STATE_PATH}) and retry.`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
