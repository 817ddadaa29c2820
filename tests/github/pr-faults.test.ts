import { describe, expect, it, vi } from 'vitest';
import { primaryRateLimit, secondaryRateLimit } from '../helpers/fake-github/faults.ts';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';
import { FAST_RETRY } from '../helpers/fake-github/project.ts';

// Every request create-detml sent and every response the fake built must match GitHub's OpenAPI description.
const setup = checkedGithubProject;

const heads = (g: Awaited<ReturnType<typeof setup>>) =>
  g.remote('for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n');

describe('HTTP faults: retries, rate limits, and reruns that finish the job', () => {
  it('waits out a secondary rate limit (retry-after) and a 502, then succeeds; slow answers are fine (the waits themselves: rate-limits.test.ts)', async () => {
    const g = await setup();
    g.gh.faults.push(
      { operation: 'repos/get', status: 502, body: { message: 'Bad Gateway' } },
      { operation: 'pulls/list', delayMs: 300 },
      secondaryRateLimit('pulls/create', 1),
    );
    const r = await g.sync({ to: '1.1.0' });
    expect(r.pullRequest).toMatchObject({ action: 'created', number: 1 });
    expect(g.gh.calls.filter((c) => c.operation === 'pulls/create').map((c) => c.status)).toEqual([403, 201]);
    expect(g.gh.calls.filter((c) => c.operation === 'repos/get').map((c) => c.status)).toEqual([502, 200]);
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
  });

  it('a request slower than the timeout is abandoned and retried', async () => {
    const g = await setup();
    g.gh.faults.push({ operation: 'repos/get', delayMs: 5000 });
    const r = await g.sync({ to: '1.1.0', retry: { ...FAST_RETRY, timeoutMs: 2500 } });
    expect(r.pullRequest?.number).toBe(1);
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
    // The abandoned call is logged by the fake when its delay ends, after the retry's.
    await vi.waitFor(() => expect(g.gh.calls.filter((c) => c.operation === 'repos/get')).toHaveLength(2), {
      timeout: 6000,
    });
  });

  it('waits for x-ratelimit-reset when the primary limit is exhausted', async () => {
    const g = await setup();
    g.gh.faults.push(primaryRateLimit('issues/add-labels', 1));
    const r = await g.sync({ to: '1.1.0' });
    expect(r.pullRequest?.action).toBe('created');
    expect(g.gh.calls.filter((c) => c.operation === 'issues/add-labels').map((c) => c.status)).toEqual([403, 200]);
  });

  it('gives up with a clear message when the rate limit resets beyond the cap, or 5xx persists', async () => {
    const g = await setup();
    g.gh.faults.push(primaryRateLimit('repos/get', 3600));
    await expect(g.sync({ to: '1.1.0' })).rejects.toThrow(
      /^GitHub rate-limited the request to read the repository on acme\/proj until \d{4}-.*; run sync again later/,
    );
    g.gh.faults.push({ operation: 'pulls/list', status: 503, times: 10 });
    await expect(g.sync({ to: '1.1.0' })).rejects.toThrow(
      'GitHub answered 503 while trying to list pull requests from detml/sync/main on acme/proj',
    );
    expect(g.gh.calls.filter((c) => c.operation === 'pulls/list' && c.status === 503)).toHaveLength(5); // 1 + 4 retries
  });

  it('the network dies after the push: the rerun opens the PR on the same branch, no duplicate branch or PR', async () => {
    const g = await setup();
    g.gh.faults.push({ operation: 'pulls/create', disconnect: true, times: 10 });
    await expect(g.sync({ to: '1.1.0' })).rejects.toThrow(
      /^Could not reach GitHub at http:\/\/127\.0\.0\.1:\d+\/api\/v3 to open the pull request .*run sync again/,
    );
    const pushed = g.remote('rev-parse', 'refs/heads/detml/sync/main');
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(0);

    g.gh.faults.length = 0;
    const r = await g.sync({ to: '1.1.0' });
    expect(r.pullRequest).toMatchObject({ action: 'created', number: 1, branch: 'detml/sync/main' });
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
    expect(heads(g)).toEqual(['detml/sync/main', 'main']);
    // The rerun's commit has the same tree and parent as the one already pushed, so it is not pushed again.
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(pushed);
    expect(g.gh.pulls('acme', 'proj')[0]?.body).toContain(`{"head":"${pushed}","to":"1.1.0"}`);
  });

  it('a lost response to "create PR" is retried into a 422 "already exists" and resolved to the same PR', async () => {
    const g = await setup();
    g.gh.faults.push({ operation: 'pulls/create', loseResponse: true });
    const r = await g.sync({ to: '1.1.0' });
    expect(r.pullRequest).toMatchObject({ action: 'updated', number: 1 });
    expect(g.gh.calls.filter((c) => c.operation === 'pulls/create').map((c) => c.status)).toEqual([0, 422]);
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
    expect(g.gh.pulls('acme', 'proj')[0]?.labels).toEqual(['detml-sync']);
  });

  it('a failure between the force-push and the PR update is completed by the rerun on the same PR', async () => {
    const g = await setup();
    await g.sync({ to: '1.1.0' });
    g.gh.faults.push({ operation: 'pulls/update', disconnect: true, times: 10 });
    await expect(g.sync({ to: '1.2.0' })).rejects.toThrow(/Could not reach GitHub .* to update pull request #1/);
    g.gh.faults.length = 0;
    const r = await g.sync({ to: '1.2.0' });
    expect(r.pullRequest).toMatchObject({ action: 'updated', number: 1, branch: 'detml/sync/main' });
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
    expect(g.gh.pulls('acme', 'proj')[0]?.body).toContain('"to":"1.2.0"');
    expect(heads(g)).toEqual(['detml/sync/main', 'main']);
  });

  it('names the missing permission on 401, 403 and 404, and on a refused git push', async () => {
    const g = await setup();
    await expect(g.sync({ to: '1.1.0', env: { GITHUB_TOKEN: 'ghp_wrong' } })).rejects.toThrow(
      'GitHub rejected the token (401: Bad credentials) while trying to read the repository on acme/proj. Check that GITHUB_TOKEN',
    );
    g.gh.addToken('ghp_no_contents', { contents: 'read', pull_requests: 'write', issues: 'write' });
    await expect(g.sync({ to: '1.1.0', env: { GITHUB_TOKEN: 'ghp_no_contents' } })).rejects.toThrow(
      /^git could not push detml\/sync\/main to http:\/\/127\.0\.0\.1:\d+\/acme\/proj\.git: the token was refused\. It needs contents: write/,
    );
    g.gh.addToken('ghp_readonly_prs', { contents: 'write', pull_requests: 'read', issues: 'read' });
    await expect(g.sync({ to: '1.1.0', env: { GITHUB_TOKEN: 'ghp_readonly_prs' } })).rejects.toThrow(
      'GitHub refused to open the pull request on acme/proj (403: Resource not accessible by personal access token). The token needs pull-requests: write; sync needs contents: write, pull-requests: write and issues: write',
    );
    await expect(
      g.sync({ to: '1.1.0', target: { repo: 'acme/missing', apiUrl: g.gh.apiUrl, env: { GITHUB_TOKEN: g.token } } }),
    ).rejects.toThrow(
      'GitHub answered 404 while trying to read the repository on acme/missing: the repository does not exist or the token cannot see it.',
    );
    await expect(g.sync({ to: '1.1.0', env: {} })).rejects.toThrow(
      /needs a GitHub token with contents: write, pull-requests: write and issues: write \(for labels\): set GITHUB_TOKEN/,
    );
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(0);
  });

  it('reports a 422 with GitHub’s own reason', async () => {
    const g = await setup();
    g.gh.faults.push({
      operation: 'pulls/create',
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: 'Draft pull requests are not supported in this repository.',
          },
        ],
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    await expect(g.sync({ to: '1.1.0' })).rejects.toThrow(
      'GitHub refused to open the pull request on acme/proj (422: Validation Failed; Draft pull requests are not supported in this repository.).',
    );
  });
});
