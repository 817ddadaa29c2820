/** How GitHub API calls are retried: attempts, backoff, the longest wait accepted, and the per-request timeout. */
export interface RetryPolicy {
  retries: number;
  baseMs: number;
  maxWaitMs: number;
  timeoutMs: number;
  /** Shared by concurrent runs (fleet sync): awaited before every request, told of every failure. */
  gate?: RequestGate;
}

/** A limiter shared across clients: after a rate-limit answer to any of them, none sends until the reset. */
export interface RequestGate {
  ready(): Promise<void>;
  failed(failure: HttpFailure, now: number): void;
}

/** Defaults: 4 retries with 1, 2, 4, 8 s backoff; rate-limit waits up to a minute; 30 s per request. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseMs: 1000, maxWaitMs: 60_000, timeoutMs: 30_000 };

/** A failed HTTP call, reduced to what the retry decision needs. */
export interface HttpFailure {
  /** Undefined when no response came back (connection refused or reset, timeout). */
  status: number | undefined;
  headers: Readonly<Record<string, string | undefined>>;
  message: string;
}

/** The retry decision: wait `waitMs` and retry, or stop (`rateLimitedUntil` set when a rate limit outlasts the cap). */
export type RetryDecision = { retry: true; waitMs: number } | { retry: false; rateLimitedUntil?: Date };

/**
 * Decides whether a failed GitHub call is retried and after how long (pure): network errors and 5xx back off
 * exponentially; 429 and 403 rate limits wait for `retry-after` or `x-ratelimit-reset` as GitHub asks
 * (docs.github.com "Best practices for using the REST API"); everything else, and waits beyond the cap, stops.
 */
export function retryDecision(failure: HttpFailure, attempt: number, policy: RetryPolicy, now: number): RetryDecision {
  if (attempt >= policy.retries) return { retry: false, ...rateLimitInfo(failure, now) };
  const backoff = policy.baseMs * 2 ** attempt;
  const { status, headers } = failure;
  if (status === undefined || status === 500 || status === 502 || status === 503 || status === 504) {
    return { retry: true, waitMs: headerWait(headers, now) ?? backoff };
  }
  if (status !== 403 && status !== 429) return { retry: false };
  const wait = headerWait(headers, now);
  const secondary = /secondary rate limit|abuse/i.test(failure.message);
  if (wait === undefined && !secondary && status === 403) return { retry: false };
  const waitMs = wait ?? backoff;
  if (waitMs > policy.maxWaitMs) return { retry: false, rateLimitedUntil: new Date(now + waitMs) };
  return { retry: true, waitMs };
}

/** True when a failure is a rate limit rather than a permission problem. */
export function isRateLimit(failure: HttpFailure): boolean {
  return (failure.status === 403 || failure.status === 429) && (headerWait(failure.headers, 0) !== undefined || /rate limit|abuse/i.test(failure.message));
}

// retry-after (seconds) wins; otherwise an exhausted primary limit waits until x-ratelimit-reset (epoch seconds).
function headerWait(headers: HttpFailure['headers'], now: number): number | undefined {
  const after = headers['retry-after'];
  if (after !== undefined && /^\d+$/.test(after.trim())) return Number(after) * 1000;
  const reset = headers['x-ratelimit-reset'];
  if (headers['x-ratelimit-remaining'] === '0' && reset !== undefined && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset) * 1000 - now) + 1000;
  return undefined;
}

/** When a rate-limited failure may be retried, from its headers; undefined when it does not say. */
export function rateLimitUntil(failure: HttpFailure, now: number): Date | undefined {
  const wait = isRateLimit(failure) ? headerWait(failure.headers, now) : undefined;
  return wait === undefined ? undefined : new Date(now + wait);
}

function rateLimitInfo(failure: HttpFailure, now: number): { rateLimitedUntil?: Date } {
  const until = rateLimitUntil(failure, now);
  return until ? { rateLimitedUntil: until } : {};
}
