// Types of the index scripts/precompile-templates.mjs generates from templates/** (the .js is a build output).

/** Which folder of templates/ holds the precompiled spec of each source, by templateKey(version, source). */
export const PRECOMPILED_INDEX: Readonly<Record<string, string>>;
