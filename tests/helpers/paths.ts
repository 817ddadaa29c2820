import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI entry, as npm would run it. */
export const BIN = join(ROOT, 'bin.cjs');
/** The built-in templates folder. */
export const TEMPLATES_DIR = join(ROOT, 'templates');
