import { UserError } from '../errors.ts';

/** Registry credentials; they go into Authorization headers only and are never printed. */
export interface Credentials {
  user: string;
  password: string;
}

/** A parsed `WWW-Authenticate` challenge, e.g. Bearer with realm, service and scope. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** The default env prefix: credentials come from DETML_REGISTRY_USER and DETML_REGISTRY_PASSWORD. */
export const DEFAULT_CREDENTIALS_ENV = 'DETML_REGISTRY';

/** Reads `<prefix>_USER` / `<prefix>_PASSWORD`; none when both are unset, a UserError when only one is set. */
export function credentialsFromEnv(
  prefix = DEFAULT_CREDENTIALS_ENV,
  env: NodeJS.ProcessEnv = process.env,
): Credentials | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix))
    throw new UserError(`--credentials-env "${prefix}" is not an environment variable prefix.`);
  const user = env[`${prefix}_USER`];
  const password = env[`${prefix}_PASSWORD`];
  if (!user && !password) return undefined;
  if (!user || !password) throw new UserError(`Set both ${prefix}_USER and ${prefix}_PASSWORD, or neither.`);
  return { user, password };
}

/** The Basic Authorization header value for credentials. */
export function basicHeader(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
}

/** Parses the first challenge of a `WWW-Authenticate` header (quoted and bare parameter values). */
export function parseChallenge(header: string | null): Challenge | undefined {
  const match = header ? /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header) : null;
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = match[2] ?? '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null && m[0] !== '') {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return { scheme: match[1]!.toLowerCase(), params };
}
