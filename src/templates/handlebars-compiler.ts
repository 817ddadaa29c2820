// The Handlebars compiler, kept apart from rendering: renders of the built-in templates find every source
// precompiled (compiled-templates.ts), so only a source the table lacks (a --template-root, an edited template)
// needs this module, and the bundles can load it on first use (scripts/bundle-plugin.mjs).
import Handlebars from 'handlebars';

/** A compiled template before it is bound to an environment: what `Handlebars.precompile` describes, as functions. */
export type TemplateSpec = TemplateSpecification;

/**
 * Compiles one source into a spec, the way the build's table was made (`Handlebars.precompile`), so a miss runs the
 * same code a hit would. Turning the precompiled text into functions is what `Handlebars.compile` does internally
 * too (its generated code is evaluated with `Function`), so an untrusted source gains no new reach here.
 */
export function compileSpec(source: string, options: CompileOptions): TemplateSpec {
  const code = Handlebars.precompile(source, { ...options }) as unknown as string;
  return new Function(`return ${code};`)() as TemplateSpec;
}
