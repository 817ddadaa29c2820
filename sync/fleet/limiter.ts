// Concurrency and rate limits for fleet runs: a worker pool, and one gate every GitHub client of the run shares so
// that after a rate-limit answer to any worker, no worker sends a request until the wait GitHub asked for is over.
import type { RequestGate } from '../pr-retry.ts';

/** A pause shared by all workers: `ready` resolves once the latest pause any rate-limit answer asked for is over. */
export class RateLimitGate implements RequestGate {
  private until = 0;
  /** How many times a rate-limit answer closed (or extended) the gate. */
  closings = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Resolves once no pause is in force. */
  async ready(): Promise<void> {
    for (let wait = this.until - this.clock(); wait > 0; wait = this.until - this.clock()) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Closes the gate for `ms` from now (never shortens a pause already in force). */
  pause(ms: number): void {
    const until = this.clock() + ms;
    if (until > this.until) {
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
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
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
