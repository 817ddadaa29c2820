import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { parseMigrations, type Migration } from './migrations.ts';
import { VALIDATORS, type ValidatorName } from './validators.ts';

/** Who owns a rendered file once it is in the user's project; decides what sync does with it. */
export type Ownership = 'owned' | 'merged' | 'seeded';

/** The kinds of answer a question can take. */
export type QuestionType = 'string' | 'integer' | 'boolean' | 'select';

/** One question a template asks; its answer feeds the Handlebars context under `name`. */
export interface Question {
  name: string;
  type: QuestionType;
  message: string;
  default: string | number | boolean;
  choices?: string[];
  validate?: ValidatorName;
  /** Asked interactively only when true; otherwise the default (or --set) applies silently. */
  prompt?: boolean;
  help?: string;
}

/** The parsed `template.json` of one template version. */
export interface TemplateManifest {
  id: string;
  version: string;
  description: string;
  questions: Question[];
  ownership: { owned: string[]; seeded: string[] };
  executable: string[];
  /** Lockfiles are never text-merged by sync; each names the manifest it is derived from. */
  lockfiles: Record<string, string>;
  /** Install commands per package manager are run in the project after create, with these extra env vars. */
  installEnv: Record<string, string>;
  /** Other template folders (relative) whose files and partials are overlaid under this one's. */
  layers: string[];
  nextSteps: string[];
  /** Typed migrations of every version so far; sync runs those between the project's version and the target. */
  migrations: Migration[];
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;

/** Reads and validates `<dir>/template.json`; a malformed manifest is an error naming the field. */
export function loadManifest(dir: string): TemplateManifest {
  const file = join(dir, 'template.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`Cannot read template manifest ${file}: ${(error as Error).message}`);
  }
  return parseManifest(raw, file);
}

/** Validates a manifest object; exported for tests of malformed manifests. */
export function parseManifest(raw: unknown, where: string): TemplateManifest {
  const fail = (what: string): never => {
    throw new UserError(`Invalid template manifest ${where}: ${what}`);
  };
  if (!isObject(raw)) return fail('not a JSON object');
  const id = str(raw.id) ?? fail('"id" must be a string');
  const version = str(raw.version);
  if (!version || !SEMVER.test(version)) fail('"version" must be a semver version like 1.2.3');
  const questions = Array.isArray(raw.questions) ? raw.questions.map((q, i) => parseQuestion(q, i, fail)) : fail('"questions" must be an array of the questions the template asks ([] when it asks none)');
  const ownership = isObject(raw.ownership) ? raw.ownership : {};
  return {
    id,
    version: version as string,
    description: str(raw.description) ?? '',
    questions,
    ownership: { owned: strings(ownership.owned, fail, 'ownership.owned'), seeded: strings(ownership.seeded, fail, 'ownership.seeded') },
    executable: strings(raw.executable, fail, 'executable'),
    lockfiles: record(raw.lockfiles, fail, 'lockfiles'),
    installEnv: record(raw.installEnv, fail, 'installEnv'),
    layers: strings(raw.layers, fail, 'layers'),
    nextSteps: strings(raw.nextSteps, fail, 'nextSteps'),
    migrations: migrationsOf(raw.migrations, fail),
  };
}

function parseQuestion(q: unknown, i: number, fail: (what: string) => never): Question {
  if (!isObject(q)) return fail(`questions[${i}] is not an object`);
  const name = str(q.name);
  if (!name || !NAME.test(name)) fail(`questions[${i}].name must be an identifier`);
  const type = q.type as QuestionType;
  if (!['string', 'integer', 'boolean', 'select'].includes(type)) fail(`questions[${i}].type must be string, integer, boolean or select`);
  if (q.validate !== undefined && !(String(q.validate) in VALIDATORS)) fail(`questions[${i}].validate names no known validator: ${String(q.validate)}`);
  const choices = q.choices === undefined ? undefined : strings(q.choices, fail, `questions[${i}].choices`);
  if (type === 'select' && (!choices || choices.length === 0)) fail(`questions[${i}] is a select without choices`);
  const def = q.default;
  if (!['string', 'number', 'boolean'].includes(typeof def)) fail(`questions[${i}].default is required (string, number or boolean)`);
  const question: Question = {
    name: name as string,
    type,
    message: str(q.message) ?? (name as string),
    default: def as string | number | boolean,
    prompt: q.prompt !== false,
  };
  if (choices) question.choices = choices;
  if (q.validate !== undefined) question.validate = q.validate as ValidatorName;
  if (typeof q.help === 'string') question.help = q.help;
  return question;
}

function migrationsOf(raw: unknown, fail: (what: string) => never): Migration[] {
  const parsed = parseMigrations(raw);
  return typeof parsed === 'string' ? fail(parsed) : parsed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function strings(v: unknown, fail: (what: string) => never, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return fail(`"${field}" must be an array of strings`);
  return v as string[];
}
function record(v: unknown, fail: (what: string) => never, field: string): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v) || !Object.values(v).every((s) => typeof s === 'string')) return fail(`"${field}" must map strings to strings`);
  return v as Record<string, string>;
}
