import { UserError } from '../src/errors.ts';
import { STREAM_LARGE_BLOBS } from '../src/git.ts';
import { runGit } from '../src/git-process.ts';
import { redact } from './pr-errors.ts';

/** Where sync keeps the remote branches it fetched (never a remote-tracking ref the user sees in `git branch -r`). */
export function remoteRef(branch: string): string {
  return `refs/detml/remote/${branch}`;
}

/**
 * Environment that makes one git command against `url` authenticate with `token` and nothing else: an
 * `http.<url>.extraHeader` with Basic `x-access-token:<token>`, passed through GIT_CONFIG_COUNT/KEY/VALUE so it is never
 * written to .git/config, a remote URL or a log. Scoped to the full remote URL it is at least as specific as any header
 * in the user's config (actions/checkout leaves one for the server URL), so git applies its empty value, which drops
 * every header collected so far, and then ours. Credential helpers and askpass programs are switched off: on a 401 git
 * would otherwise retry with the user's stored credentials and, when those fail too, erase them from the helper.
 */
export function gitAuthEnv(token: string, url: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const start = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  const settings: [string, string][] = [
    [`http.${url}.extraHeader`, ''],
    [`http.${url}.extraHeader`, `AUTHORIZATION: basic ${basic}`],
    // credential.<url>.helper entries all apply in config order, so one empty value last clears every helper.
    ['credential.helper', ''],
  ];
  const out: Record<string, string> = { GIT_CONFIG_COUNT: String(start + settings.length) };
  settings.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${start + i}`] = key;
    out[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  // An empty GIT_ASKPASS also stops git from falling back to core.askPass and SSH_ASKPASS.
  return { ...out, GIT_ASKPASS: '', GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' };
}

/** The tips of the given branches on the remote (branch -> commit); absent branches are left out. */
export async function lsRemote(
  dir: string,
  url: string,
  token: string,
  branches: readonly string[],
): Promise<Map<string, string>> {
  const out = await gitRemote(
    dir,
    url,
    token,
    ['ls-remote', '--heads', url, ...branches.map((b) => `refs/heads/${b}`)],
    'read branches of',
  );
  const tips = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [sha, ref] = line.split('\t') as [string, string];
    if (branches.includes(ref.replace(/^refs\/heads\//, ''))) tips.set(ref.replace(/^refs\/heads\//, ''), sha);
  }
  return tips;
}

/** Fetches remote branches into `refs/detml/remote/<branch>`, so their commits can be inspected locally. */
export async function fetchBranches(
  dir: string,
  url: string,
  token: string,
  branches: readonly string[],
): Promise<void> {
  if (branches.length === 0) return;
  const specs = branches.map((b) => `+refs/heads/${b}:${remoteRef(b)}`);
  await gitRemote(
    dir,
    url,
    token,
    ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', url, ...specs],
    'fetch from',
  );
}

/**
 * Pushes `commit` to `branch` only if the remote branch is still at `expected` (absent when undefined), with
 * `--force-with-lease`, so a commit someone pushed meanwhile is never overwritten.
 */
export async function pushBranch(
  dir: string,
  url: string,
  token: string,
  commit: string,
  branch: string,
  expected: string | undefined,
): Promise<void> {
  const lease = `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`;
  await gitRemote(
    dir,
    url,
    token,
    // pack-objects then streams a model-sized blob rather than holding it whole.
    [...STREAM_LARGE_BLOBS, 'push', '--porcelain', '--no-verify', lease, url, `${commit}:refs/heads/${branch}`],
    `push ${branch} to`,
  );
}

/** True when `ancestor` is reachable from `commit`. */
export async function isAncestor(dir: string, ancestor: string, commit: string): Promise<boolean> {
  return (await runGit(dir, ['merge-base', '--is-ancestor', ancestor, commit], { okCodes: [0, 1] })).code === 0;
}

// Runs a git command against the remote with the token, turning git's failures into one line naming the fix.
async function gitRemote(dir: string, url: string, token: string, args: string[], what: string): Promise<string> {
  const result = await runGit(dir, args, { env: gitAuthEnv(token, url), okCodes: [0, 1, 2, 128] });
  if (result.code === 0) return result.stdout.toString('utf8');
  const output = `${result.stdout.toString('utf8')}\n${result.stderr}`;
  let message: string;
  if (/stale info|fetch first|non-fast-forward/.test(output)) {
    message = `Could not ${what} ${url}: the branch changed on the remote while sync was running. Run sync again.`;
  } else if (/Authentication failed|could not read Username|terminal prompts disabled|\b40[13]\b/.test(output)) {
    message = `git could not ${what} ${url}: the token was refused. It needs contents: write on the repository.`;
  } else {
    const line =
      output
        .split('\n')
        .map((l) => l.trim())
        .find((l) => /^(fatal|error|remote|!)/.test(l)) ?? `exit ${result.code}`;
    message = `Could not ${what} ${url}: ${line}`;
  }
  throw new UserError(redact(message, [token]));
}
