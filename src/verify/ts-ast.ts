import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';
import { UserError } from '../errors.ts';

/** The TypeScript module namespace (the compiler API). */
export type TypeScript = typeof TS;

let cached: TypeScript | undefined;

/**
 * Loads the TypeScript compiler lazily: create-detml's own copy, else the project's (generated Node projects have it
 * as a devDependency); a clear UserError when neither is installed.
 */
export async function loadTypeScript(projectRoot: string): Promise<TypeScript> {
  if (cached) return cached;
  const moduleOf = (m: unknown) => ((m as { default?: TypeScript }).default ?? m) as TypeScript;
  try {
    cached = moduleOf(await import('typescript'));
  } catch {
    try {
      // require, not import(): the compiler is CommonJS, and bundles run as vm scripts without an ESM loader.
      cached = moduleOf(createRequire(join(projectRoot, 'package.json'))('typescript'));
    } catch {
      throw new UserError(
        'verify needs the TypeScript compiler for its tfjs/onnx rules: run npm install in the project (it has typescript as a devDependency), or npm install -g typescript.',
      );
    }
  }
  return cached;
}

/** Parses one source file (syntax only, no type checking). */
export function parseSource(ts: TypeScript, path: string, text: string): TS.SourceFile {
  const kind = /\.[cm]?tsx?$/.test(path)
    ? path.endsWith('x')
      ? ts.ScriptKind.TSX
      : ts.ScriptKind.TS
    : ts.ScriptKind.JS;
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
}

/** Local names bound by imports of matching modules: namespaces (`* as tf`, default, require) and named imports. */
export interface ImportBindings {
  namespaces: Set<string>;
  /** local name -> imported name */
  named: Map<string, string>;
}

/** Collects the bindings that `import`/`require` of modules matching `moduleTest` introduce in a file. */
export function importBindings(ts: TypeScript, file: TS.SourceFile, moduleTest: RegExp): ImportBindings {
  const out: ImportBindings = { namespaces: new Set(), named: new Map() };
  const visit = (node: TS.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      moduleTest.test(node.moduleSpecifier.text)
    ) {
      const clause = node.importClause;
      if (clause?.name) out.namespaces.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) out.namespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const e of bindings.elements) out.named.set(e.name.text, (e.propertyName ?? e.name).text);
    } else if (ts.isVariableDeclaration(node) && node.initializer && isRequireOf(ts, node.initializer, moduleTest)) {
      if (ts.isIdentifier(node.name)) out.namespaces.add(node.name.text);
      else if (ts.isObjectBindingPattern(node.name)) {
        for (const e of node.name.elements) {
          if (ts.isIdentifier(e.name))
            out.named.set(
              e.name.text,
              e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName.text : e.name.text,
            );
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function isRequireOf(ts: TypeScript, expr: TS.Expression, moduleTest: RegExp): boolean {
  const inner = ts.isAwaitExpression(expr) ? expr.expression : expr;
  if (!ts.isCallExpression(inner)) return false;
  const callee = inner.expression;
  const isLoader =
    (ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword;
  const arg = inner.arguments[0];
  return isLoader && arg !== undefined && ts.isStringLiteral(arg) && moduleTest.test(arg.text);
}

/** Strips parentheses, `as`, `satisfies` and non-null assertions. */
export function unwrap(ts: TypeScript, expr: TS.Expression): TS.Expression {
  let e = expr;
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e)
  )
    e = e.expression;
  return e;
}

/** A literal's value (string, number, boolean, null for null/undefined), following a `const` in the same file once. */
export function literalValue(
  ts: TypeScript,
  expr: TS.Expression,
  file: TS.SourceFile,
  depth = 0,
): string | number | boolean | null | typeof NOT_LITERAL {
  const e = unwrap(ts, expr);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand))
    return -Number(e.operand.text);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined')) return null;
  if (ts.isIdentifier(e) && depth < 3) {
    const decl = findVariable(ts, file, e.text);
    if (decl?.initializer && ts.isVariableDeclarationList(decl.parent) && decl.parent.flags & ts.NodeFlags.Const) {
      return literalValue(ts, decl.initializer, file, depth + 1);
    }
  }
  return NOT_LITERAL;
}

/** Marks an expression whose value is not known statically. */
export const NOT_LITERAL = Symbol('not-literal');

/** The first `name = …` variable declaration in a file. */
export function findVariable(ts: TypeScript, file: TS.SourceFile, name: string): TS.VariableDeclaration | undefined {
  let found: TS.VariableDeclaration | undefined;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Visits every call expression in a file. */
export function forEachCall(ts: TypeScript, file: TS.SourceFile, fn: (call: TS.CallExpression) => void): void {
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node)) fn(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
}

/** The 1-based line and column of a node's start. */
export function position(file: TS.SourceFile, node: TS.Node): { line: number; column: number } {
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return { line: line + 1, column: character + 1 };
}
