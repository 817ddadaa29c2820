import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { validateTemplate } from '../generated/schema-validators.js';
import { schemaProblems } from '../schema-problems.ts';
import { globProblem } from './glob.ts';
import type { Migration } from './migrations.ts';
import type { ValidatorName } from './validators.ts';

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

/** Reads and validates `<dir>/template.json`; a malformed manifest is an error naming every bad field. */
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

/**
 * Validates a manifest object against schemas/template.schema.json (every problem, each with its JSON path) and fills
 * in the defaults; exported for tests of malformed manifests.
 */
export function parseManifest(raw: unknown, where: string): TemplateManifest {
  const problems = schemaProblems(validateTemplate, raw);
  const m = raw as RawManifest;
  // A JSON Schema cannot say "compiles as a glob": checked here, so a bad glob fails at load time, not mid-render.
  if (!problems.length) {
    const globs = { 'ownership.owned': m.ownership?.owned, 'ownership.seeded': m.ownership?.seeded, executable: m.executable };
    for (const [field, list] of Object.entries(globs)) {
      list?.forEach((glob, i) => {
        const problem = globProblem(glob);
        if (problem) problems.push(`$.${field}[${i}]: ${problem}`);
      });
    }
  }
  if (problems.length) throw new UserError(`Invalid template manifest ${where}: ${problems.join('; ')}`);
  return {
    id: m.id,
    version: m.version,
    description: m.description ?? '',
    questions: m.questions.map((q) => ({
      ...q,
      message: q.message ?? q.name,
      prompt: q.prompt !== false,
    })),
    ownership: { owned: m.ownership?.owned ?? [], seeded: m.ownership?.seeded ?? [] },
    executable: m.executable ?? [],
    lockfiles: m.lockfiles ?? {},
    installEnv: m.installEnv ?? {},
    layers: m.layers ?? [],
    nextSteps: m.nextSteps ?? [],
    migrations: m.migrations ?? [],
  };
}

// What the schema guarantees: the manifest's shape before defaults are filled in.
type RawManifest = Omit<TemplateManifest, 'questions' | 'ownership' | 'description' | 'executable' | 'lockfiles' | 'installEnv' | 'layers' | 'nextSteps' | 'migrations'> &
  Partial<Pick<TemplateManifest, 'description' | 'executable' | 'lockfiles' | 'installEnv' | 'layers' | 'nextSteps' | 'migrations'>> & {
    questions: (Omit<Question, 'message'> & { message?: string })[];
    ownership?: Partial<TemplateManifest['ownership']>;
  };
