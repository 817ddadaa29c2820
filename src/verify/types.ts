import type { Project } from './project.ts';

/** One problem found in a project, located at a 1-based line and column of a project-relative path. */
export interface Finding {
  ruleId: string;
  message: string;
  path: string;
  line: number;
  column: number;
}

/** A finding that a `detml-ignore` comment or `.detml/verify.json` entry suppressed. */
export interface SuppressedFinding extends Finding {
  suppression: { kind: 'inSource' | 'external'; justification?: string | undefined };
}

/** A static check with a stable id (`DETML001`) and name (`pin/from-digest`); `help` says how to fix a finding. */
export interface Rule {
  id: string;
  name: string;
  summary: string;
  help: string;
  run(project: Project): Finding[] | Promise<Finding[]>;
}

/** Builds a finding of a rule at a location (line and column default to 1). */
export function finding(
  rule: Pick<Rule, 'id'>,
  path: string,
  message: string,
  at: { line?: number; column?: number } = {},
): Finding {
  return { ruleId: rule.id, message, path, line: at.line ?? 1, column: at.column ?? 1 };
}
