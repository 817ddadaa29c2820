import { createPrivateKey, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../src/errors.ts';
import { appInstallationToken } from './github.ts';
import { NEEDED_PERMISSIONS } from './pr-errors.ts';
import type { RetryPolicy } from './pr-retry.ts';

/** Where the credentials come from: a token variable, or a GitHub App (flags or GITHUB_APP_* variables). */
export interface AuthOptions {
  /** A token handed over as a value by a caller that already holds it (fleet); wins over everything else. */
  token?: string | undefined;
  /** Name of the environment variable holding a token (`--token-env`); default GITHUB_TOKEN. */
  tokenEnv?: string | undefined;
  appId?: string | undefined;
  /** Path of the app's PEM private key; else the PEM text in GITHUB_APP_PRIVATE_KEY. */
  appKeyFile?: string | undefined;
  installationId?: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** A token for the API and for git, and a description of where it came from (never the token itself). */
export interface ResolvedAuth {
  token: string;
  source: string;
}

/**
 * Finds the token: `--token-env NAME`, else a GitHub App installation token when an app id is configured, else
 * GITHUB_TOKEN. Fails with the fix when none is available.
 */
export async function resolveAuth(
  options: AuthOptions,
  target: { apiUrl: string; owner: string; repo: string; retry?: RetryPolicy | undefined },
): Promise<ResolvedAuth> {
  const { env } = options;
  if (options.token) return { token: options.token, source: 'the caller' };
  if (options.tokenEnv) {
    const token = env[options.tokenEnv]?.trim();
    if (!token)
      throw new UserError(
        `--token-env ${options.tokenEnv}: the environment variable ${options.tokenEnv} is not set or empty.`,
      );
    return { token, source: `$${options.tokenEnv}` };
  }
  const appId = options.appId ?? env.GITHUB_APP_ID;
  if (appId) {
    const key = appPrivateKey(options.appKeyFile, env);
    const installation = options.installationId ?? env.GITHUB_APP_INSTALLATION_ID;
    if (installation !== undefined && !/^\d+$/.test(installation))
      throw new UserError(`--installation-id must be a number, got "${installation}".`, 2);
    const jwt = appJwt(appId, key, Math.floor(Date.now() / 1000));
    const { token } = await appInstallationToken({
      ...target,
      jwt,
      installationId: installation === undefined ? undefined : Number(installation),
    });
    return { token, source: `GitHub App ${appId}` };
  }
  const token = env.GITHUB_TOKEN?.trim();
  if (token) return { token, source: '$GITHUB_TOKEN' };
  throw new UserError(
    `sync opens a pull request and needs a GitHub token with ${NEEDED_PERMISSIONS}: set GITHUB_TOKEN, pass --token-env NAME, or use a GitHub App (--app-id with --app-key-file or GITHUB_APP_PRIVATE_KEY). Use --local to update the work tree instead.`,
  );
}

/**
 * A GitHub App JSON Web Token (RS256, valid 9 minutes, issued 60 s in the past against clock drift), as
 * docs.github.com "Generating a JSON Web Token (JWT) for a GitHub App" describes.
 */
export function appJwt(appId: string, privateKeyPem: string, nowSeconds: number): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: nowSeconds - 60, exp: nowSeconds + 540, iss: appId })}`;
  let key;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new UserError('The GitHub App private key is not a valid PEM key; download a new one from the app settings.');
  }
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`;
}

function appPrivateKey(file: string | undefined, env: NodeJS.ProcessEnv): string {
  if (file) {
    if (!existsSync(file)) throw new UserError(`--app-key-file ${file} does not exist.`);
    return readFileSync(file, 'utf8');
  }
  const pem = env.GITHUB_APP_PRIVATE_KEY;
  if (!pem)
    throw new UserError(
      'A GitHub App id is set but no private key: pass --app-key-file or set GITHUB_APP_PRIVATE_KEY.',
    );
  // CI secrets often store the PEM with literal "\n" sequences.
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}
