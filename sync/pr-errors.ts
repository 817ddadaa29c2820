import { UserError } from '../src/errors.ts';
import { isRateLimit, rateLimitUntil, type HttpFailure } from './pr-retry.ts';

/** The permissions `create-detml sync` needs on the repository, named the way GitHub's token settings name them. */
export const NEEDED_PERMISSIONS = 'contents: write, pull-requests: write and issues: write (for labels)';

/** What was being attempted, for the error message: e.g. "open the pull request" needing "pull-requests: write". */
export interface GitHubStep {
  action: string;
  permission: string;
}

/** Where the failing call went. */
export interface GitHubWhere {
  repo: string;
  apiUrl: string;
}

/**
 * Turns a failed GitHub call into one actionable line naming the missing permission or the fix; any secret in
 * `secrets` is masked, so a token can never reach the terminal through an error.
 */
export function explainGitHubError(
  failure: HttpFailure,
  step: GitHubStep,
  where: GitHubWhere,
  secrets: readonly string[],
): UserError {
  const msg = failure.message.split('\n')[0]?.replace(/\s*-\s*https:\/\/docs\.github\.com\S*/, '') ?? '';
  const { status } = failure;
  let text: string;
  if (status === undefined) {
    text = `Could not reach GitHub at ${where.apiUrl} to ${step.action} (${msg}). Check the network and --api-url, then run sync again; it picks up where it stopped.`;
  } else if (isRateLimit(failure)) {
    const reset = rateLimitUntil(failure, Date.now());
    const until = reset ? ` until ${reset.toISOString()}` : '';
    text = `GitHub rate-limited the request to ${step.action} on ${where.repo}${until}; run sync again later (${status}: ${msg}).`;
  } else if (status === 401) {
    text = `GitHub rejected the token (401: ${msg}) while trying to ${step.action} on ${where.repo}. Check that GITHUB_TOKEN (or the variable named by --token-env) holds a valid, unexpired token.`;
  } else if (status === 403) {
    text = `GitHub refused to ${step.action} on ${where.repo} (403: ${msg}). The token needs ${step.permission}; sync needs ${NEEDED_PERMISSIONS}.`;
  } else if (status === 404) {
    text = `GitHub answered 404 while trying to ${step.action} on ${where.repo}: the repository does not exist or the token cannot see it. Check --repo (or the origin remote) and give the token access with ${step.permission}.`;
  } else if (status === 422) {
    text = `GitHub refused to ${step.action} on ${where.repo} (422: ${msg}).`;
  } else {
    text = `GitHub answered ${status} while trying to ${step.action} on ${where.repo}: ${msg}. Run sync again; it picks up where it stopped.`;
  }
  return new UserError(redact(text, secrets));
}

/** Replaces every secret (and its Basic-auth encoding) in a text with "***". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets.filter((s) => s.length >= 4)) {
    for (const form of [secret, Buffer.from(`x-access-token:${secret}`).toString('base64')])
      out = out.split(form).join('***');
  }
  return out;
}
