import type * as TS from 'typescript';
import type { Project } from '../project.ts';
import { forEachCall, importBindings, loadTypeScript, position, type TypeScript } from '../ts-ast.ts';
import { ObjectResolver } from '../ts-objects.ts';

/** JavaScript and TypeScript sources (declaration files excluded). */
export function scriptFiles(project: Project): string[] {
  return project
    .filesWithExtension('.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs')
    .filter((f) => !/\.d\.[cm]?ts$/.test(f));
}

/** What a framework rule's check sees for each call: the compiler, the resolver and the file's framework imports. */
export interface CallContext {
  ts: TypeScript;
  resolver: ObjectResolver;
  file: TS.SourceFile;
  bindings: ReturnType<typeof importBindings>;
}

/** One problem a check reported, where it is. */
export interface CallProblem {
  path: string;
  message: string;
  position: ReturnType<typeof position>;
}

/**
 * Parses every script that mentions `marker` with the TypeScript compiler and runs `check` on each call, given the
 * file's imports from packages matching `packages`; the shared walk of the framework rules (tfjs seeds, ORT sessions).
 */
export async function findCallProblems(
  project: Project,
  marker: string,
  packages: RegExp,
  check: (call: TS.CallExpression, ctx: CallContext) => string | undefined,
): Promise<CallProblem[]> {
  const files = scriptFiles(project).filter((f) => project.text(f)?.includes(marker));
  if (files.length === 0) return [];
  const ts = await loadTypeScript(project.root);
  const resolver = new ObjectResolver(ts, project);
  const out: CallProblem[] = [];
  for (const path of files) {
    const file = resolver.source(path)!;
    const ctx = { ts, resolver, file, bindings: importBindings(ts, file, packages) };
    forEachCall(ts, file, (call) => {
      const message = check(call, ctx);
      if (message) out.push({ path, message, position: position(file, call) });
    });
  }
  return out;
}
