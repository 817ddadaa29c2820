// How the one GitHub client (sync/github.ts) waits and retries. The decisions are octokit's own plugins':
// @octokit/plugin-throttling for primary and secondary rate limits and write spacing, @octokit/plugin-retry for 5xx
// and network failures. This module holds the policy they are configured with and reads rate-limit headers for
// error messages.

/** How GitHub API calls are retried and spaced, and the per-request timeout. */
export interface RetryPolicy {
  /** Retries per request, for 5xx/network failures (backoff baseMs × 1, 4, 9, 16…) and for rate limits each. */
  retries: number;
  /** One second of GitHub's `retry-after`/reset as milliseconds of waiting (1000; tests scale time down). */
  baseMs: number;
  /** The longest rate-limit wait accepted before the request fails with the reset time. */
  maxWaitMs: number;
  timeoutMs: number;
  /** Minimum gap between two writes (POST/PATCH/PUT/DELETE) of the whole process, as GitHub asks (1 s). */
  writeSpacingMs?: number;
  /** Shared by concurrent runs (fleet sync): after a rate limit answered to any of them, none sends until it is over. */
  gate?: RequestGate;
}

/** A pause shared across clients: `pause` after a rate-limit answer, `ready` before every request. */
export interface RequestGate {
  ready(): Promise<void>;
  pause(ms: number): void;
}

/**
 * Defaults: 4 retries (5xx backoff 1 + 4 + 9 + 16 s, a 30 s total cap); rate-limit waits up to a minute, and a
 * secondary rate limit without `retry-after` waits 60 s (plugin-throttling's fallback, GitHub's advice); 30 s per request.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  baseMs: 1000,
  maxWaitMs: 60_000,
  timeoutMs: 30_000,
  writeSpacingMs: 1000,
};

/** A failed HTTP call, reduced to what error messages need. */
export interface HttpFailure {
  /** Undefined when no response came back (connection refused or reset, timeout). */
  status: number | undefined;
  headers: Readonly<Record<string, string | undefined>>;
  message: string;
}

/** True when a failure is a rate limit rather than a permission problem. */
export function isRateLimit(failure: HttpFailure): boolean {
  return (
    (failure.status === 403 || failure.status === 429) &&
    (headerWait(failure.headers, 0) !== undefined || /rate limit|abuse/i.test(failure.message))
  );
}

// retry-after (seconds) wins; otherwise an exhausted primary limit waits until x-ratelimit-reset (epoch seconds).
function headerWait(headers: HttpFailure['headers'], now: number): number | undefined {
  const after = headers['retry-after'];
  if (after !== undefined && /^\d+$/.test(after.trim())) return Number(after) * 1000;
  const reset = headers['x-ratelimit-reset'];
  if (headers['x-ratelimit-remaining'] === '0' && reset !== undefined && /^\d+$/.test(reset.trim()))
    return Math.max(0, Number(reset) * 1000 - now) + 1000;
  return undefined;
}

/** When a rate-limited failure may be retried, from its headers; undefined when it does not say. */
export function rateLimitUntil(failure: HttpFailure, now: number): Date | undefined {
  const wait = isRateLimit(failure) ? headerWait(failure.headers, now) : undefined;
  return wait === undefined ? undefined : new Date(now + wait);
}
