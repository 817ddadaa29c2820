import { posix } from 'node:path';
import type * as TS from 'typescript';
import type { Project } from './project.ts';
import { parseSource, unwrap, type TypeScript } from './ts-ast.ts';

/** Resolves object-valued expressions statically: literals, consts, local or relatively imported functions' returns. */
export class ObjectResolver {
  private readonly parsed = new Map<string, TS.SourceFile | undefined>();

  constructor(
    private readonly ts: TypeScript,
    private readonly project: Project,
  ) {}

  /** A project source file, parsed once (undefined when missing). */
  source(path: string): TS.SourceFile | undefined {
    if (!this.parsed.has(path)) {
      const text = this.project.text(path);
      this.parsed.set(path, text === undefined ? undefined : parseSource(this.ts, path, text));
    }
    return this.parsed.get(path);
  }

  /** Every object literal the expression can evaluate to, or undefined when any branch cannot be resolved. */
  objects(expr: TS.Expression, file: TS.SourceFile, depth = 0): TS.ObjectLiteralExpression[] | undefined {
    const ts = this.ts;
    const e = unwrap(ts, expr);
    if (depth > 6) return undefined;
    if (ts.isObjectLiteralExpression(e)) return [e];
    if (ts.isConditionalExpression(e)) return this.all([e.whenTrue, e.whenFalse], file, depth);
    if (ts.isIdentifier(e)) {
      const found = this.declaration(e.text, file, e);
      if (found && ts.isVariableDeclaration(found.node) && found.node.initializer)
        return this.objects(found.node.initializer, found.file, depth + 1);
      return undefined;
    }
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      const found = this.declaration(e.expression.text, file, e);
      const fn = found && functionOf(ts, found.node);
      if (!found || !fn?.body) return undefined;
      if (!ts.isBlock(fn.body)) return this.objects(fn.body, found.file, depth + 1);
      const returns: TS.Expression[] = [];
      const visit = (n: TS.Node): void => {
        if (ts.isReturnStatement(n) && n.expression) returns.push(n.expression);
        else if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
      };
      ts.forEachChild(fn.body, visit);
      return returns.length ? this.all(returns, found.file, depth + 1) : undefined;
    }
    return undefined;
  }

  /**
   * The value of property `name` of an object literal (later properties and spreads win, as at run time):
   * the expression, `undefined` when surely absent, or 'unknown' when a spread could not be resolved.
   */
  property(obj: TS.ObjectLiteralExpression, name: string, file: TS.SourceFile): TS.Expression | undefined | 'unknown' {
    const ts = this.ts;
    for (const p of [...obj.properties].reverse()) {
      if (ts.isPropertyAssignment(p) && propertyName(ts, p.name) === name) return p.initializer;
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
      if (ts.isSpreadAssignment(p)) {
        const objs = this.objects(p.expression, file);
        if (!objs) return 'unknown';
        const values = objs.map((o) => this.property(o, name, file));
        // Only a value every branch of the spread provides counts as set.
        if (values.every((v) => v !== undefined && v !== 'unknown')) return values[0];
      }
    }
    return undefined;
  }

  private all(exprs: TS.Expression[], file: TS.SourceFile, depth: number): TS.ObjectLiteralExpression[] | undefined {
    const out: TS.ObjectLiteralExpression[] = [];
    for (const x of exprs) {
      const objs = this.objects(x, file, depth + 1);
      if (!objs) return undefined;
      out.push(...objs);
    }
    return out;
  }

  /**
   * The declaration of `name` visible from `from` (enclosing blocks first, then the file), following a relative
   * import into another project file.
   */
  private declaration(
    name: string,
    file: TS.SourceFile,
    from?: TS.Node,
  ): { node: TS.Node; file: TS.SourceFile } | undefined {
    const ts = this.ts;
    for (let scope: TS.Node | undefined = from ?? file; scope; scope = scope.parent) {
      if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
      for (const st of scope.statements) {
        if (ts.isFunctionDeclaration(st) && st.name?.text === name) return { node: st, file };
        if (ts.isVariableStatement(st)) {
          const d = st.declarationList.declarations.find((x) => ts.isIdentifier(x.name) && x.name.text === name);
          if (d) return { node: d, file };
        }
        if (
          ts.isImportDeclaration(st) &&
          ts.isStringLiteral(st.moduleSpecifier) &&
          st.moduleSpecifier.text.startsWith('.')
        ) {
          const bindings = st.importClause?.namedBindings;
          const el =
            bindings && ts.isNamedImports(bindings) ? bindings.elements.find((x) => x.name.text === name) : undefined;
          const target = el && this.importTarget(file.fileName, st.moduleSpecifier.text);
          if (el && target) return this.declaration((el.propertyName ?? el.name).text, target);
        }
      }
    }
    return undefined;
  }

  private importTarget(from: string, specifier: string): TS.SourceFile | undefined {
    const base = posix.normalize(posix.join(posix.dirname(from), specifier));
    const stem = base.replace(/\.(m|c)?js$/, '');
    for (const candidate of [
      base,
      `${stem}.ts`,
      `${stem}.tsx`,
      `${stem}.mts`,
      `${stem}.js`,
      `${stem}.mjs`,
      `${base}/index.ts`,
      `${base}/index.js`,
    ]) {
      if (this.project.has(candidate)) return this.source(candidate);
    }
    return undefined;
  }
}

function functionOf(ts: TypeScript, node: TS.Node): TS.FunctionLikeDeclaration | undefined {
  if (ts.isFunctionDeclaration(node)) return node;
  if (ts.isVariableDeclaration(node) && node.initializer) {
    const init = unwrap(ts, node.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

function propertyName(ts: TypeScript, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}
