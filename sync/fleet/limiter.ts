// Concurrency and rate limits for fleet runs: a worker pool, and one gate every GitHub client of the run shares so
// that after a rate-limit answer to any worker, no worker sends a request until GitHub's reset.
import { rateLimitUntil, type HttpFailure, type RequestGate } from '../pr-retry.ts';

/**
 * The error a closed gate throws when the reset is further away than the run may wait. It is shaped like octokit's
 * RequestError (status and response headers), so the retry policy and error messages treat it as GitHub's own 403.
 */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly status = 403;
  readonly response: { headers: Record<string, string>; data: { message: string } };
  constructor(readonly until: Date, now: number) {
    const message = `API rate limit exceeded; the reset is at ${until.toISOString()}`;
    super(message);
    this.response = { headers: { 'retry-after': String(Math.max(1, Math.ceil((until.getTime() - now) / 1000))) }, data: { message } };
  }

  /** The failure as the retry policy reads it. */
  get failure(): HttpFailure {
    return { status: 403, headers: this.response.headers, message: this.message };
  }
}

/** A rate-limit gate shared by all workers: `ready` waits for the latest reset any answer announced. */
export class RateLimitGate implements RequestGate {
  private until = 0;
  /** How many times a rate-limit answer closed (or extended) the gate. */
  closings = 0;

  constructor(
    private readonly maxWaitMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves once no rate limit is in force; throws RateLimitedError when the reset is beyond `maxWaitMs`. */
  async ready(): Promise<void> {
    for (;;) {
      const now = this.clock();
      const wait = this.until - now;
      if (wait <= 0) return;
      if (wait > this.maxWaitMs) throw new RateLimitedError(new Date(this.until), now);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Closes the gate until the reset a 403/429 answer announces (retry-after, or x-ratelimit-reset when exhausted). */
  failed(failure: HttpFailure, now: number): void {
    const until = rateLimitUntil(failure, now)?.getTime();
    if (until !== undefined && until > this.until) {
      this.until = until;
      this.closings++;
    }
  }

  /** When the gate opens again, or undefined when it is open. */
  closedUntil(): Date | undefined {
    return this.until > this.clock() ? new Date(this.until) : undefined;
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time, keeping input order in the results. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
