import { EXIT, UserError } from '../src/errors.ts';
import { runGit } from '../src/git-process.ts';

/** Flags and environment that say which GitHub repository the pull request goes to. */
export interface TargetOptions {
  /** `owner/name` (`--repo`); else the origin remote, else GITHUB_REPOSITORY. */
  repo?: string | undefined;
  /** REST base URL (`--api-url`); else GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string | undefined;
  /** git URL to push to (`--remote-url`); else an http(s) origin, else derived from the API URL. */
  remoteUrl?: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** The resolved destination: repository, API base URL and an https git URL without credentials. */
export interface Target {
  owner: string;
  repo: string;
  apiUrl: string;
  remoteUrl: string;
}

/** Resolves the repository, API URL and push URL from flags, the origin remote and the CI environment. */
export async function resolveTarget(dir: string, options: TargetOptions): Promise<Target> {
  const apiUrl = (options.apiUrl ?? options.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const origin = await originUrl(dir);
  const fromOrigin = origin ? parseRemoteUrl(origin) : undefined;
  const slug = options.repo ?? (fromOrigin ? `${fromOrigin.owner}/${fromOrigin.repo}` : options.env.GITHUB_REPOSITORY);
  if (!slug)
    throw new UserError(
      'No GitHub repository to open the pull request on: pass --repo owner/name or add an origin remote.',
      EXIT.usage,
    );
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?$/.exec(slug);
  if (!match) throw new UserError(`--repo must look like owner/name, got "${slug}".`, EXIT.usage);
  const [owner, repo] = [match[1] as string, match[2] as string];
  const server = serverUrl(apiUrl);
  // The origin URL is used only when it is the same repository on the API's own server: the token goes nowhere else.
  const sameAsOrigin =
    fromOrigin?.owner === owner &&
    fromOrigin.repo === repo &&
    /^https?:\/\//.test(origin ?? '') &&
    sameHost(origin as string, server);
  const remoteUrl = stripCredentials(
    options.remoteUrl ?? (sameAsOrigin ? (origin as string) : `${server}/${owner}/${repo}.git`),
  );
  if (!/^https?:\/\//.test(remoteUrl) && !options.remoteUrl)
    throw new UserError(`Cannot derive an https git URL for ${owner}/${repo}; pass --remote-url.`, EXIT.usage);
  return { owner, repo, apiUrl, remoteUrl };
}

/** Owner and name from a git remote URL (https, ssh:// or scp-like `git@host:owner/name.git`); undefined otherwise. */
export function parseRemoteUrl(url: string): { owner: string; repo: string } | undefined {
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)$/i.exec(url)?.[1] ?? /^[^/:]+@[^/:]+:(.+)$/.exec(url)?.[1];
  const parts = path
    ?.replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/');
  if (!parts || parts.length < 2) return undefined;
  const [owner, repo] = parts.slice(-2) as [string, string];
  return owner && repo ? { owner, repo } : undefined;
}

/** The web/git server for an API URL: api.github.com -> https://github.com, https://HOST/api/v3 -> https://HOST. */
export function serverUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com'))
    return `${url.protocol}//${url.hostname.slice(4)}`;
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}

/** The URL without user:password, so a token someone put into a remote URL is never used or shown by sync. */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(stripCredentials(a)).host.toLowerCase() === new URL(b).host.toLowerCase();
  } catch {
    return false;
  }
}

async function originUrl(dir: string): Promise<string | undefined> {
  const result = await runGit(dir, ['remote', 'get-url', 'origin'], { okCodes: [0, 2, 128] });
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}
