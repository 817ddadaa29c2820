// Projects for verify and pins tests: a real template render written to a temp dir, or a small tree of files.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildState, serializeState, STATE_PATH } from '../../src/state/state-file.ts';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { ownershipOf } from '../../src/templates/ownership.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate } from '../../src/templates/render.ts';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../../src/version.ts';
import { runVerify } from '../../src/verify/run-verify.ts';
import type { Finding, SuppressedFinding } from '../../src/verify/types.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Renders a built-in template as `create` would (files plus .detml/state.json) into a fresh temp dir. */
export function renderProject(templateId: string, answers: Record<string, unknown> = {}): string {
  const { dir: templateDir, manifest } = resolveTemplate(templateId);
  const resolved = resolveAnswers(manifest, answers as never);
  const tree = renderTemplate(templateDir, resolved, manifest);
  const dir = tempDir('detml-verify-');
  for (const f of tree) write(dir, f.path, renderedBytes(f));
  const state = buildState(
    {
      generator: { name: GENERATOR_NAME, version: GENERATOR_VERSION },
      template: { id: manifest.id, version: manifest.version },
      answers: resolved,
    },
    tree,
    (p) => ownershipOf(p, manifest),
  );
  write(dir, STATE_PATH, serializeState(state));
  return dir;
}

/** Writes a small project tree (path -> text) into a fresh temp dir. */
export function writeTree(files: Record<string, string>): string {
  const dir = tempDir('detml-verify-');
  for (const [path, text] of Object.entries(files)) write(dir, path, text);
  return dir;
}

/** Writes one file, creating folders. */
export function write(dir: string, path: string, contents: string | Buffer): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), contents);
}

/** Reads one file as text. */
export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

/** Rewrites a file through `fn`, failing when nothing changed (so a fixture edit cannot silently miss). */
export function edit(dir: string, path: string, fn: (text: string) => string): void {
  const before = read(dir, path);
  const after = fn(before);
  if (after === before) throw new Error(`fixture edit of ${path} changed nothing`);
  writeFileSync(join(dir, path), after);
}

/** Deletes a file. */
export function remove(dir: string, path: string): void {
  rmSync(join(dir, path));
}

/** Runs verify and returns, for one rule, the findings that stand and those that were suppressed. */
export async function ruleResults(
  dir: string,
  ruleId: string,
): Promise<{ found: Finding[]; suppressed: SuppressedFinding[] }> {
  const result = await runVerify(dir);
  return {
    found: result.findings.filter((f) => f.ruleId === ruleId),
    suppressed: result.suppressed.filter((f) => f.ruleId === ruleId),
  };
}

/** Adds a project-wide suppression to .detml/verify.json (for findings in JSON files). */
export function ignoreInFile(dir: string, rule: string, paths?: string[]): void {
  write(
    dir,
    '.detml/verify.json',
    `${JSON.stringify({ ignore: [{ rule, ...(paths ? { paths } : {}), reason: 'accepted in a test' }] })}\n`,
  );
}
