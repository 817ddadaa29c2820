// The Handlebars compiler, kept apart from rendering: renders of the built-in templates find every source
// precompiled (compiled-templates.ts), so only a source the table lacks (a --template-root, an edited template)
// needs this module, and the bundles load it on first use (scripts/bundle-plugin.mjs LAZY_COMPILER).
import Handlebars from 'handlebars';

/** A compiled template before it is bound to an environment: what `Handlebars.precompile` describes, as functions. */
export type TemplateSpec = TemplateSpecification;

/** The precompiled code of one source (a JavaScript object literal), as the build's table holds it. */
export function precompileSource(source: string, options: CompileOptions): string {
  return Handlebars.precompile(source, { ...options }) as unknown as string;
}
