import { EXIT, UserError } from '../errors.ts';
import { matchesAny } from '../templates/glob.ts';
import type { Project } from './project.ts';
import type { Finding, Rule, SuppressedFinding } from './types.ts';

/** Where project-wide suppressions live (for findings in files without comments, such as JSON). */
export const IGNORE_FILE = '.detml/verify.json';

/** One entry of IGNORE_FILE: a rule id or name, optional path globs, and why. */
export interface IgnoreEntry {
  rule: string;
  paths?: string[];
  reason: string;
}

const DIRECTIVE = /(?:#|\/\/|\/\*|<!--)\s*detml-ignore\s+([^\n]*)/;

/**
 * The justification when a `detml-ignore <rule>[, <rule>…] [-- why]` comment on the finding's line or the line above
 * names the rule (by id or name); undefined when not suppressed inline.
 */
export function inlineSuppression(
  text: string | undefined,
  f: Finding,
  rule: Rule,
): { justification?: string } | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  for (const line of [lines[f.line - 1], lines[f.line - 2]]) {
    const m = line === undefined ? null : DIRECTIVE.exec(line);
    if (!m) continue;
    const [ids = '', why] = m[1]!.replace(/\s*(\*\/|-->)\s*$/, '').split(/\s+--\s*/, 2);
    const names = ids.split(/[\s,]+/).filter(Boolean);
    if (names.some((n) => n.toUpperCase() === rule.id || n === rule.name))
      return why ? { justification: why.trim() } : {};
  }
  return undefined;
}

/** Reads IGNORE_FILE; a malformed file is a usage error naming the entry, since silently ignoring it would hide findings. */
export function readIgnoreFile(project: Project, rules: readonly Rule[]): IgnoreEntry[] {
  const text = project.text(IGNORE_FILE);
  if (text === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${IGNORE_FILE} is not valid JSON (${(error as Error).message}).`, EXIT.usage);
  }
  const list = (raw as { ignore?: unknown })?.ignore;
  if (!Array.isArray(list))
    throw new UserError(
      `${IGNORE_FILE} must be {"ignore": [{"rule": "DETML005", "paths": ["package-lock.json"], "reason": "…"}]}.`,
      EXIT.usage,
    );
  return list.map((e: Partial<IgnoreEntry>, i) => {
    const known = rules.some((r) => r.id === String(e?.rule).toUpperCase() || r.name === e?.rule);
    if (!known)
      throw new UserError(
        `${IGNORE_FILE}: ignore[${i}].rule "${e?.rule}" is not a verify rule id or name.`,
        EXIT.usage,
      );
    if (typeof e.reason !== 'string' || !e.reason.trim())
      throw new UserError(`${IGNORE_FILE}: ignore[${i}] needs a "reason".`, EXIT.usage);
    if (e.paths !== undefined && (!Array.isArray(e.paths) || !e.paths.every((p) => typeof p === 'string'))) {
      throw new UserError(`${IGNORE_FILE}: ignore[${i}].paths must be a list of path globs.`, EXIT.usage);
    }
    return { rule: String(e.rule), paths: e.paths, reason: e.reason };
  });
}

/** Splits findings into those that stand and those suppressed inline or by IGNORE_FILE. */
export function applySuppressions(
  project: Project,
  rules: readonly Rule[],
  findings: Finding[],
): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const ignore = readIgnoreFile(project, rules);
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const rule = rules.find((r) => r.id === f.ruleId)!;
    const inline = inlineSuppression(project.text(f.path), f, rule);
    if (inline) {
      suppressed.push({ ...f, suppression: { kind: 'inSource', justification: inline.justification } });
      continue;
    }
    const entry = ignore.find(
      (e) => (e.rule.toUpperCase() === rule.id || e.rule === rule.name) && (!e.paths || matchesAny(f.path, e.paths)),
    );
    if (entry) suppressed.push({ ...f, suppression: { kind: 'external', justification: entry.reason } });
    else kept.push(f);
  }
  return { findings: kept, suppressed };
}
