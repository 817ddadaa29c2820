// Reading detml.config.json, shared by the Node templates: where the project root and the file are, parsing, and
// the one-line errors. Each template's config.ts validates its own fields (seed, threads, model, framework options).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DetmlError } from './env-core.js';

/** The project root: this file compiles to dist/src/detml/config-core.js, so the root is three folders up. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the config was read from, plus its validated values. */
export interface LoadedConfigOf<C> {
  file: string;
  raw: string;
  config: C;
  /** The "goldens" section (optional in the file). */
  goldens: GoldensSettings;
  /** Absolute path of the model file (`model.path`, relative to the project root). */
  modelPath: string;
}

/** Reports one invalid field of the config file and stops validation. */
export type Fail = (what: string) => never;

/** The config file: DETML_CONFIG when set, else detml.config.json in the project root. */
export function configFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.DETML_CONFIG || resolve(PROJECT_ROOT, 'detml.config.json');
}

/** Reads and parses the config file, then lets the template's `validate` check every field; a bad field is one line. */
export function readConfig<C extends { model: { path: string } }>(
  file: string,
  validate: (data: Record<string, unknown>, fail: Fail) => C,
): LoadedConfigOf<C> {
  let raw: string;
  let data: unknown;
  try {
    raw = readFileSync(file, 'utf8');
    data = JSON.parse(raw);
  } catch (error) {
    throw new DetmlError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const fail: Fail = (what) => {
    throw new DetmlError(`${file}: ${what}`);
  };
  if (!isObject(data)) return fail('not a JSON object');
  const config = validate(data, fail);
  const goldens = goldensSettingsOf(data, fail);
  return { file, raw, config, goldens, modelPath: resolve(PROJECT_ROOT, config.model.path) };
}

/** What an unknown hardware class does in a golden check: fail (exit non-zero) or pass with a warning. */
export type UnknownClassPolicy = 'fail' | 'warn';

/** The optional "goldens" section of detml.config.json. */
export interface GoldensSettings {
  /** Overrides the default (fail when CI is set, warn locally); DETML_STRICT=1 or --strict always fails. */
  unknownClass?: UnknownClassPolicy;
}

/** Reads only the "goldens" section of the config file (the golden store needs nothing else). */
export function goldensSettings(file = configFile()): GoldensSettings {
  return readConfig(file, () => ({ model: { path: '.' } })).goldens;
}

function goldensSettingsOf(data: Record<string, unknown>, fail: Fail): GoldensSettings {
  const { goldens } = data;
  if (goldens === undefined) return {};
  if (!isObject(goldens)) return fail('"goldens" must be an object');
  const { unknownClass } = goldens;
  if (unknownClass !== undefined && unknownClass !== 'fail' && unknownClass !== 'warn') fail('"goldens.unknownClass" must be "fail" or "warn"');
  return unknownClass === undefined ? {} : { unknownClass: unknownClass as UnknownClassPolicy };
}

/** 64 lower-case hex digits, as detml.config.json writes a sha256. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
