// Fault injection for the fake GitHub: queued failures matched by operationId, consumed in order.

/** One injected failure: an HTTP error with headers, a slow answer, or a dropped connection. */
export interface Fault {
  /** operationId to match (e.g. "pulls/create"), or "*" for every API call. */
  operation: string;
  /** Answer with this status and body instead of running the handler. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long first (then answer normally unless status or disconnect is set). */
  delayMs?: number;
  /** Close the connection without answering, as when the network dies. */
  disconnect?: boolean;
  /** Run the request, then close the connection before answering: the change happened but the response is lost. */
  loseResponse?: boolean;
  /** How many matching requests this fault hits (default 1). */
  times?: number;
  /**
   * A primary rate limit as GitHub enforces it: when this fault is hit, the limit is exhausted for this many seconds
   * (rounded up to GitHub's whole-second `x-ratelimit-reset`), and every API call (any operation) gets the same 403.
   */
  window?: number;
}

/** Takes the first fault matching an operation, counting down its `times`. */
export function takeFault(queue: Fault[], operationId: string): Fault | undefined {
  const index = queue.findIndex((f) => f.operation === operationId || f.operation === '*');
  if (index < 0) return undefined;
  const fault = queue[index] as Fault;
  const left = (fault.times ?? 1) - 1;
  if (left <= 0) queue.splice(index, 1);
  else fault.times = left;
  return fault;
}

/** A GitHub secondary-rate-limit answer (403 with retry-after), as documented for REST API rate limits. */
export function secondaryRateLimit(operation: string, retryAfterSeconds = 1): Fault {
  return {
    operation,
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '4999' },
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      status: '403',
    },
  };
}

/** A primary rate limit answer: remaining 0 and a reset time `resetInSeconds` from now. */
export function primaryRateLimit(operation: string, resetInSeconds = 1): Fault {
  return {
    operation,
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
    },
    body: {
      message: 'API rate limit exceeded for installation.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      status: '403',
    },
  };
}

/** An exhausted primary rate limit, hit at an `operation`, that holds for every API call for `seconds`. */
export function rateLimitWindow(operation: string, seconds = 2): Fault {
  return { operation, window: seconds };
}
