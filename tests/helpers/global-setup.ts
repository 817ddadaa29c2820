// Runs once before the test files: the schema validators and the precompiled templates are build outputs
// (scripts/compile-schemas.mjs, scripts/precompile-templates.mjs), and the tests import src/ directly, so they are
// generated here too.
// @ts-expect-error: a plain .mjs build script without types
import { compileSchemas } from '../../scripts/compile-schemas.mjs';
// @ts-expect-error: a plain .mjs build script without types
import { precompileTemplates } from '../../scripts/precompile-templates.mjs';

/** vitest's global setup hook. */
export default function setup(): void {
  (compileSchemas as () => string)();
  (precompileTemplates as () => string)();
}
