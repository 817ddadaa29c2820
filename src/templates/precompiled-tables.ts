// The built-in templates' precompiled specs, one table per folder of templates/ and loaded on first use, so a run
// reads the tables of the template it renders (and its layers) only: they were 28% of create's bundle as one table.
import { PRECOMPILED_INDEX } from '../generated/compiled-templates.js';
import type { TemplateSpec } from './handlebars-compiler.ts';
import { loadPrecompiledTable, type PrecompiledTable } from './precompiled-table-file.ts';

/** Looks a spec up by templateKey; undefined when no table has it. */
export type SpecLookup = (key: string) => TemplateSpec | undefined;

const tables = new Map<string, PrecompiledTable>();

/** The built-in spec of a key, loading its folder's table the first time one of its keys is asked for. */
export const builtInSpec: SpecLookup = (key) => {
  if (!Object.hasOwn(PRECOMPILED_INDEX, key)) return undefined;
  const folder = PRECOMPILED_INDEX[key]!;
  let table = tables.get(folder);
  if (!table) tables.set(folder, (table = loadPrecompiledTable(folder)));
  return lookupIn(table)(key);
};

/** A lookup in a fixed table (tests, and tables built elsewhere). */
export function lookupIn(table: PrecompiledTable): SpecLookup {
  return (key) => (Object.hasOwn(table, key) ? table[key] : undefined);
}
