import { ValidationError } from '../errors.ts';
import type { Question, TemplateManifest } from './manifest.ts';
import { VALIDATORS } from './validators.ts';

/** A complete, validated set of answers: exactly one typed value per question of the template. */
export type Answers = Record<string, string | number | boolean>;

/** Raw values from flags (`--set k=v` gives strings) or from a state file / prompts (already typed). */
export type RawAnswers = Record<string, unknown>;

/** Parses `key=value` pairs from repeated `--set` flags; a malformed pair is a usage error. */
export function parseSetFlags(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) problems.push(`--set ${pair}: expected key=value`);
    else out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (problems.length) throw new ValidationError(problems);
  return out;
}

/** Coerces one raw value to the question's type, or returns an error sentence. */
export function coerceAnswer(q: Question, raw: unknown): { value: string | number | boolean } | { error: string } {
  switch (q.type) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      return Number.isSafeInteger(n) ? { value: n } : { error: 'must be an integer' };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'yes' || raw === '1') return { value: true };
      if (raw === 'false' || raw === 'no' || raw === '0') return { value: false };
      return { error: 'must be true or false' };
    }
    case 'select':
      return typeof raw === 'string' && q.choices?.includes(raw)
        ? { value: raw }
        : { error: `must be one of: ${q.choices?.join(', ')}` };
    case 'string':
      return typeof raw === 'string' ? { value: raw } : { error: 'must be a string' };
  }
}

/** Checks one typed answer against the question's validator; undefined when valid. */
export function validateAnswer(q: Question, value: unknown): string | undefined {
  const coerced = coerceAnswer(q, value);
  if ('error' in coerced) return coerced.error;
  return q.validate ? VALIDATORS[q.validate](coerced.value) : undefined;
}

/**
 * Fills defaults, coerces and validates; returns answers in question order so renders and state files are stable.
 * Unknown keys are an error: a typo in `--set` must not be silently ignored.
 */
export function resolveAnswers(manifest: TemplateManifest, raw: RawAnswers): Answers {
  const problems: string[] = [];
  const known = new Set(manifest.questions.map((q) => q.name));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) problems.push(`Unknown answer "${key}" for template ${manifest.id}; known: ${[...known].join(', ')}`);
  }
  const answers: Answers = {};
  for (const q of manifest.questions) {
    const given = raw[q.name];
    const coerced = coerceAnswer(q, given === undefined ? q.default : given);
    if ('error' in coerced) {
      problems.push(`Invalid ${q.name} ${JSON.stringify(given)}: ${coerced.error}`);
      continue;
    }
    const error = q.validate ? VALIDATORS[q.validate](coerced.value) : undefined;
    if (error) problems.push(`Invalid ${q.name} ${JSON.stringify(coerced.value)}: ${error}`);
    else answers[q.name] = coerced.value;
  }
  if (problems.length) throw new ValidationError(problems);
  return answers;
}
