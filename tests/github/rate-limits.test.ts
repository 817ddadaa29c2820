import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimitGate } from '../../sync/fleet/limiter.ts';
import { connectGitHub, connectRest } from '../../sync/github.ts';
import { DEFAULT_RETRY } from '../../sync/pr-retry.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github/server.ts';
import { tempDir } from '../helpers/tmp.ts';

// Time is virtual: only setTimeout and Date are faked (real sockets still carry real HTTP to the fake GitHub), and
// every assertion reads the fake clock, as GitHub's documented waits are tens of seconds.
afterEach(() => void vi.useRealTimers());

const TOKEN = 'ghp_ratelimits';

async function fake(): Promise<FakeGitHub> {
  const gh = await startFakeGitHub();
  const src = tempDir('detml-rl-');
  execFileSync('git', ['init', '-q', '-b', 'main', src]);
  writeFileSync(join(src, 'a.txt'), 'a\n');
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', 'add', '-A'], { cwd: src });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'x'], { cwd: src });
  gh.addRepo('acme', 'a', src);
  gh.addRepo('acme', 'b', src);
  gh.addToken(TOKEN);
  return gh;
}

// Runs a promise to completion while moving the fake clock forward in steps, letting real I/O happen in between.
async function drive<T>(promise: Promise<T>, stepMs = 250, maxMs = 10 * 60_000): Promise<T> {
  const outcome: { done?: true; value?: T; error?: unknown } = {};
  promise.then(
    (value) => Object.assign(outcome, { done: true, value }),
    (error: unknown) => Object.assign(outcome, { done: true, error }),
  );
  for (let t = 0; !outcome.done && t <= maxMs; t += stepMs) {
    await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(stepMs);
  }
  if (!outcome.done) throw new Error('did not settle');
  if ('error' in outcome) throw outcome.error;
  return outcome.value as T;
}

const SECONDARY = {
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  documentation_url: 'https://docs.github.com/rest',
};

describe('rate limits and retries the documented way (octokit throttling + retry plugins, fake clock)', () => {
  it('a secondary rate limit without retry-after pauses every worker for at least 60 s', async () => {
    const gh = await fake();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const gate = new RateLimitGate();
    const retry = { ...DEFAULT_RETRY, maxWaitMs: 900_000, gate };
    const [a, b] = await Promise.all([
      connectRest({ apiUrl: gh.apiUrl, token: TOKEN, retry }),
      connectRest({ apiUrl: gh.apiUrl, token: TOKEN, retry }),
    ]);
    gh.faults.push({ operation: 'repos/get', status: 403, body: SECONDARY });
    const step = { action: 'read', permission: 'metadata: read' };
    const first = a.request({ path: '/repos/acme/a', step, where: 'acme/a' });
    await drive(
      vi.waitFor(() => expect(gh.calls).toHaveLength(1), { interval: 1 }).catch(() => undefined),
      10,
      1000,
    );
    const limitedAt = gh.calls[0]?.at as number;
    expect(gh.calls[0]?.status).toBe(403);
    const second = b.request({ path: '/repos/acme/b', step, where: 'acme/b' });
    await drive(Promise.all([first, second]));
    expect(gh.calls.map((c) => c.status)).toEqual([403, 200, 200]);
    for (const call of gh.calls.slice(1)) expect(call.at - limitedAt).toBeGreaterThanOrEqual(60_000);
    expect(gate.closings).toBe(1);
  });

  it('5xx retries have a total cap: 1 + 4 tries with 1, 4, 9, 16 s backoff, then one clear error', async () => {
    const gh = await fake();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const client = await connectGitHub({
      apiUrl: gh.apiUrl,
      token: TOKEN,
      owner: 'acme',
      repo: 'a',
      retry: DEFAULT_RETRY,
    });
    gh.faults.push({ operation: 'repos/get', status: 502, times: 100 });
    await expect(drive(client.getRepo())).rejects.toThrow(
      'GitHub answered 502 while trying to read the repository on acme/a',
    );
    const at = gh.calls.map((c) => c.at);
    expect(at).toHaveLength(5);
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((i + 1) ** 2 * 1000));
  });

  it('writes are spaced at least 1 s apart, across clients', async () => {
    const gh = await fake();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const [a, b] = await Promise.all(
      ['a', 'b'].map((repo) =>
        connectGitHub({ apiUrl: gh.apiUrl, token: TOKEN, owner: 'acme', repo, retry: DEFAULT_RETRY }),
      ),
    );
    await drive(
      Promise.all([
        a?.ensureLabel('x', 'ededed', 'x'),
        b?.ensureLabel('y', 'ededed', 'y'),
        a?.ensureLabel('z', 'ededed', 'z'),
      ]),
    );
    const writes = gh.calls.filter((c) => c.method === 'POST').map((c) => c.at);
    expect(writes).toHaveLength(3);
    for (let i = 1; i < writes.length; i++)
      expect((writes[i] as number) - (writes[i - 1] as number)).toBeGreaterThanOrEqual(1000);
  });

  it('a primary limit resetting beyond --max-rate-wait fails at once with the reset time', async () => {
    const gh = await fake();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const client = await connectGitHub({
      apiUrl: gh.apiUrl,
      token: TOKEN,
      owner: 'acme',
      repo: 'a',
      retry: { ...DEFAULT_RETRY, maxWaitMs: 60_000 },
    });
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    gh.faults.push({
      operation: 'repos/get',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation.' },
    });
    await expect(drive(client.getRepo())).rejects.toThrow(
      `GitHub rate-limited the request to read the repository on acme/a until ${new Date(reset * 1000 + 1000).toISOString()}`,
    );
    expect(gh.calls).toHaveLength(1);
  });
});
