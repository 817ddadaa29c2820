import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, UserError } from '../errors.ts';
import { compareBytes } from '../templates/render.ts';
import { Project } from './project.ts';
import { RULES } from './rules/index.ts';
import { applySuppressions } from './suppress.ts';
import type { Finding, Rule, SuppressedFinding } from './types.ts';

/** The outcome of verifying one project. */
export interface VerifyResult {
  root: string;
  rules: readonly Rule[];
  /** Findings that stand, sorted by path, line, column and rule. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

/** Options: which rules to run (ids or names; default all). */
export interface VerifyOptions {
  only?: readonly string[] | undefined;
}

/** Runs every rule over the project at `dir` (static and offline) and applies suppressions. */
export async function runVerify(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UserError(`${dir} is not a directory.`, EXIT.usage);
  const rules = selectRules(options.only);
  const project = new Project(root);
  const all: Finding[] = [];
  for (const rule of rules) all.push(...(await rule.run(project)));
  const { findings, suppressed } = applySuppressions(project, RULES, all);
  return { root, rules, findings: findings.sort(byLocation), suppressed: suppressed.sort(byLocation) };
}

function selectRules(only: readonly string[] | undefined): readonly Rule[] {
  if (!only || only.length === 0) return RULES;
  return only.map((name) => {
    const rule = RULES.find((r) => r.id === name.toUpperCase() || r.name === name);
    if (!rule)
      throw new UserError(
        `Unknown rule "${name}"; known: ${RULES.map((r) => `${r.id} (${r.name})`).join(', ')}.`,
        EXIT.usage,
      );
    return rule;
  });
}

function byLocation(a: Finding, b: Finding): number {
  return (
    compareBytes(a.path, b.path) ||
    a.line - b.line ||
    a.column - b.column ||
    compareBytes(a.ruleId, b.ruleId) ||
    compareBytes(a.message, b.message)
  );
}
