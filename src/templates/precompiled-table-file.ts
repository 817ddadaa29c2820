// Reads one folder's table of precompiled specs (scripts/precompile-templates.mjs). Its own module because the
// bundles replace it (scripts/bundle-plugin.mjs): there the tables are files beside the bundle, loaded through the
// code cache, rather than the generated sources this reads.
import { createRequire } from 'node:module';
import type { TemplateSpec } from './handlebars-compiler.ts';

/** One folder's precompiled specs, by templateKey. */
export type PrecompiledTable = Readonly<Record<string, TemplateSpec>>;

/** The precompiled specs of one folder of templates/, by templateKey. */
export function loadPrecompiledTable(folder: string): PrecompiledTable {
  return createRequire(import.meta.url)(`../generated/compiled-templates/${folder}.cjs`) as PrecompiledTable;
}
