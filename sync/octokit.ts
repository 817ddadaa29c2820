// The only module that imports octokit (lazily, so create and --local never load it), so the GitHub client has one
// seam: one Octokit with the throttling, retry and paginate plugins for every call of sync and fleet.
import type { Octokit } from '@octokit/rest';
import type Bottleneck from 'bottleneck';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../src/version.ts';
import { RateLimitGate } from './fleet/limiter.ts';
import type { RetryPolicy } from './pr-retry.ts';

/**
 * One Octokit for every GitHub call of sync and fleet, with GitHub's documented client behaviour from octokit's own
 * plugins: plugin-throttling waits out primary and secondary rate limits (60 s when a secondary limit names no
 * `retry-after`) and spaces writes, plugin-retry retries 5xx and network failures a capped number of times. Every
 * rate-limit wait also pauses the policy's shared gate, so all fleet workers stop, not just the one that was answered.
 */
export async function createOctokit(apiUrl: string, auth: string, policy: RetryPolicy): Promise<Octokit> {
  const [{ Octokit }, { throttling }, { retry }] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-throttling'),
    import('@octokit/plugin-retry'),
  ]);
  const gate = policy.gate ?? new RateLimitGate();
  const quiet = () => {};
  // The plugins' callback: retry after `seconds` (scaled by baseMs) unless that is beyond the cap or the retries ran out.
  const onLimit = (seconds: number, _options: unknown, _octokit: unknown, retryCount: number): boolean => {
    const ms = seconds * policy.baseMs;
    if (retryCount >= policy.retries || ms > policy.maxWaitMs) return false;
    gate.pause(ms);
    return true;
  };
  const Client = Octokit.plugin(throttling, retry);
  return new Client({
    auth,
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: `${GENERATOR_NAME}/${GENERATOR_VERSION}`,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    throttle: {
      onRateLimit: onLimit,
      onSecondaryRateLimit: onLimit,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: policy.baseMs,
      ...(policy.writeSpacingMs !== undefined &&
        policy.writeSpacingMs !== 1000 && { write: await writeGroup(policy.writeSpacingMs) }),
    },
    // 403 and 429 are rate limits (or permissions): plugin-throttling's, never retried blindly.
    retry: {
      retries: policy.retries,
      retryAfterBaseValue: policy.baseMs,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    request: {
      // Innermost, once per attempt: wait for the shared gate, and give each attempt its own timeout.
      fetch: async (url: string, init: RequestInit) => {
        await gate.ready();
        return fetch(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
      },
    },
  });
}

// plugin-throttling spaces writes 1 s apart process-wide (GitHub's advice); another spacing gets its own shared group.
const writeGroups = new Map<number, Bottleneck.Group>();
async function writeGroup(minTime: number): Promise<Bottleneck.Group> {
  const { default: Limiter } = await import('bottleneck');
  const group =
    writeGroups.get(minTime) ?? new Limiter.Group({ id: `detml-write-${minTime}`, maxConcurrent: 1, minTime });
  writeGroups.set(minTime, group);
  return group;
}
