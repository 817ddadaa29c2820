// The determinism-environment checks every Node template shares, and its one-line error type. The variables
// themselves are the framework's (env.ts). Like env.ts, this module imports no framework: the entrypoints check the
// environment first and only then load the framework, which (with CUDA) reads these variables once, when it loads.

/** An expected refusal: printed as one line, never with a stack trace. */
export class DetmlError extends Error {
  override name = 'DetmlError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** One sentence per required variable that is missing or has another value; empty when all is well. */
export function envProblems(required: Readonly<Record<string, string>>, env: Env): string[] {
  return Object.entries(required)
    .filter(([key, value]) => env[key] !== value)
    .map(([key, value]) => `${key} must be "${value}" (got ${env[key] === undefined ? 'unset' : JSON.stringify(env[key])})`);
}

/** Throws a one-line DetmlError unless every required variable holds its value. */
export function assertEnv(required: Readonly<Record<string, string>>, env: Env): void {
  const problems = envProblems(required, env);
  if (problems.length > 0) {
    throw new DetmlError(
      `refusing to run: ${problems.join('; ')}. Use the npm scripts (they load detml.env) or set them in the environment.`,
    );
  }
}

/** The value of `name` when it is one of `choices`, else `fallback` when unset or empty; anything else is refused. */
export function choiceFromEnv<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new DetmlError(`${name} must be one of ${choices.join(', ')} (got ${JSON.stringify(raw)})`);
}

/** The values of `keys` as they are now, null when unset (the required variables, for the fingerprint). */
export function envValues(keys: readonly string[], env: Env): Record<string, string | null> {
  return Object.fromEntries(keys.map((key) => [key, env[key] ?? null]));
}

/** Only the variables of an allow-list that are set (the recorded variables, for the fingerprint). */
export function setEnvValues(keys: readonly string[], env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
