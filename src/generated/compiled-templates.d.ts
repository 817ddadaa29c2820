// Types of the table scripts/precompile-templates.mjs generates from templates/** (the .js is a build output).
import type { TemplateSpec } from '../templates/handlebars-compiler.ts';

/** Precompiled Handlebars specs of the built-in templates' sources, by templateKey(version, source). */
export const PRECOMPILED: Readonly<Record<string, TemplateSpec>>;
