import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Answers } from '../templates/answers.ts';
import type { Ownership } from '../templates/manifest.ts';
import { validateState } from '../generated/schema-validators.js';
import { schemaProblems } from '../schema-problems.ts';
import { compareBytes, renderedSha256, type RenderedTree } from '../templates/render.ts';
import { GENERATOR_VERSION } from '../version.ts';

/** Where a project records how it was generated, relative to its root. */
export const STATE_PATH = '.detml/state.json';

/** The state file's format version; readers refuse formats newer than they know. */
export const STATE_SCHEMA = 1;

/** The JSON Schema an editor validates the state file with: the one this create-detml version publishes. */
export const STATE_SCHEMA_URL = `https://unpkg.com/create-detml@${GENERATOR_VERSION}/schemas/state.schema.json`;

/** What create-detml knows about one rendered file: its pristine hash and who owns it. */
export interface StateFileEntry {
  sha256: string;
  ownership: Ownership;
}

/** The contents of `.detml/state.json`: enough to re-render the exact same project later. */
export interface DetmlState {
  schema: typeof STATE_SCHEMA;
  /** `integrity`: the npm SRI value (`sha512-…`) of the published create-detml tarball, when known. */
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
    files[f.path] = { sha256: renderedSha256(f), ownership: ownershipOf(f.path) };
  }
  return { schema: STATE_SCHEMA, ...base, files };
}

/** Serialises state deterministically (fixed key order, two-space indent, final newline). */
export function serializeState(state: DetmlState): string {
  const ordered = {
    $schema: STATE_SCHEMA_URL,
    schema: state.schema,
    generator: {
      name: state.generator.name,
      version: state.generator.version,
      ...(state.generator.integrity !== undefined && { integrity: state.generator.integrity }),
    },
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
  // `$schema` is for editors; the state itself is everything else.
  const { $schema: _editorSchema, ...state } = raw as DetmlState & { $schema?: string };
  return state;
}

/**
 * Checks a would-be state object against schemas/state.schema.json: every problem, each with its JSON path, joined
 * into one sentence; undefined when it is valid.
 */
export function stateProblem(raw: unknown): string | undefined {
  if (!isObject(raw)) return 'not a JSON object';
  if (typeof raw.schema === 'number' && raw.schema > STATE_SCHEMA) {
    return `schema ${raw.schema} is newer than this create-detml understands (${STATE_SCHEMA}); upgrade create-detml`;
  }
  const problems = schemaProblems(validateState, raw);
  return problems.length ? problems.join('; ') : undefined;
}

function corrupt(where: string, problem: string): UserError {
  return new UserError(
    `${where} is corrupt: ${problem}. Restore it from git (git checkout -- ${STATE_PATH}) and retry.`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
