// Runs once before the test files: the schema validators are a build output (scripts/compile-schemas.mjs), and the
// tests import src/ directly, so they are compiled here too.
// @ts-expect-error: a plain .mjs build script without types
import { compileSchemas } from '../../scripts/compile-schemas.mjs';

/** vitest's global setup hook. */
export default function setup(): void {
  (compileSchemas as () => string)();
}
