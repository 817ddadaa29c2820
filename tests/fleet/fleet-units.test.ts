import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { formatPlan, formatStatus, formatSummary } from '../../sync/fleet/format.ts';
import { mapLimit, RateLimitGate } from '../../sync/fleet/limiter.ts';
import { readFleetState, type RepoPlan } from '../../sync/fleet/plan.ts';
import { filterEntries, readRepoList, repoArgs } from '../../sync/fleet/sources.ts';
import { explainGitHubError } from '../../sync/pr-errors.ts';
import { tempDir } from '../helpers/tmp.ts';

const file = (name: string, text: string) => {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
};

describe('repository lists and filters', () => {
  it('reads YAML and JSON lists: strings or entries with optOut/skip, reason, base and fork', () => {
    const yaml = file(
      'fleet.yml',
      'repositories:\n  - acme/api\n  - repo: acme/old\n    skip: true\n  - repo: Acme/worker\n    optOut: true\n    reason: moved to Rust\n  - { repo: acme/ui, base: develop, fork: true }\n  - acme/API\n',
    );
    expect(readRepoList(yaml)).toEqual([
      { owner: 'acme', name: 'api' },
      { owner: 'acme', name: 'old', optOut: `opted out in ${yaml}` },
      { owner: 'Acme', name: 'worker', optOut: `opted out in ${yaml}: moved to Rust` },
      { owner: 'acme', name: 'ui', base: 'develop', fork: true },
    ]);
    expect(readRepoList(file('fleet.json', '["acme/a", {"repo": "acme/b"}]'))).toEqual([
      { owner: 'acme', name: 'a' },
      { owner: 'acme', name: 'b' },
    ]);
  });

  it('reports every problem of a list at once', () => {
    const bad = file('bad.yml', '- acme\n- repo: acme/x\n  optOut: "yes"\n  colour: red\n- 42\n');
    expect(() => readRepoList(bad)).toThrow(
      [
        `$[0]: must be owner/name (got "acme")`,
        '$[1].colour: is not a known key',
        '$[1].optOut: must be true or false (got "yes")',
        '$[2]: must be an object (got 42)',
      ]
        .map((p) => `--repos ${bad}: ${p}`)
        .join('\n'),
    );
    expect(() => readRepoList(file('map.yml', 'acme: [a]\n'))).toThrow('expected a list of repositories');
  });

  it('takes --repo values one by one or comma-separated, and filters with case-insensitive globs', () => {
    const entries = repoArgs(['acme/svc-a,acme/svc-b', 'acme/web', 'other/svc-c']);
    expect(entries.map((e) => `${e.owner}/${e.name}`)).toEqual(['acme/svc-a', 'acme/svc-b', 'acme/web', 'other/svc-c']);
    expect(filterEntries(entries, ['ACME/svc-*'], []).map((e) => e.name)).toEqual(['svc-a', 'svc-b']);
    expect(filterEntries(entries, [], ['*/svc-{a,c}']).map((e) => e.name)).toEqual(['svc-b', 'web']);
    expect(filterEntries(entries, ['*'], [])).toEqual([]); // * stays within one segment: use acme/* or */*
    expect(filterEntries(entries, ['*/*'], [])).toHaveLength(4);
    expect(() => repoArgs(['acme'])).toThrow('--repo must look like owner/name, got "acme".');
  });
});

describe('state file opt-out', () => {
  const state = (extra: object) =>
    JSON.stringify({
      schema: 1,
      generator: { name: 'create-detml', version: '0.1.0' },
      template: { id: 'demo', version: '1.1.0' },
      answers: {},
      files: {},
      ...extra,
    });

  it('reads "fleet": {"optOut": true} next to a valid state, which keeps validating', () => {
    expect(readFleetState(state({}))).toEqual({ template: 'demo', version: '1.1.0' });
    expect(readFleetState(state({ fleet: { optOut: true, reason: 'audit' } }))).toEqual({
      template: 'demo',
      version: '1.1.0',
      optOut: 'opted out in .detml/state.json: audit',
    });
    expect(readFleetState(state({ fleet: { optOut: false } })).optOut).toBeUndefined();
    expect(() => readFleetState(state({ template: { id: 'demo', version: 'latest' } }))).toThrow(
      '.detml/state.json is corrupt: $.template.version: must be a semver version like 1.2.3 (no "v", nothing after it) (got "latest")',
    );
    expect(() => readFleetState('{')).toThrow('.detml/state.json is not valid JSON');
  });
});

describe('the shared rate-limit gate (fake clock)', () => {
  it('a pause asked for by one worker holds every worker until it is over; shorter pauses never shorten it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const gate = new RateLimitGate();
      await gate.ready();
      const start = Date.now();
      gate.pause(60_000);
      gate.pause(1_000);
      const woke: number[] = [];
      const waiting = Promise.all([1, 2, 3].map(async () => (await gate.ready(), woke.push(Date.now() - start))));
      await vi.advanceTimersByTimeAsync(59_999);
      expect(woke).toEqual([]);
      expect(gate.closedUntil()).toEqual(new Date(start + 60_000));
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(woke).toEqual([60_000, 60_000, 60_000]);
      expect(gate.closings).toBe(1);
      expect(gate.closedUntil()).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a rate-limit failure reads as one line with the reset time', () => {
    const now = 1_700_000_000_000;
    const failure = {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 3600) },
      message: 'API rate limit exceeded',
    };
    expect(
      explainGitHubError(
        failure,
        { action: 'read the repository', permission: 'metadata: read' },
        { repo: 'a/b', apiUrl: 'https://api.github.com' },
        [],
      ).message,
    ).toMatch(/^GitHub rate-limited the request to read the repository on a\/b until /);
  });

  it('mapLimit runs at most n at a time and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (x) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, x * 5));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe('output', () => {
  const repos: RepoPlan[] = [
    {
      repo: 'acme/a',
      owner: 'acme',
      name: 'a',
      action: 'open',
      reason: 'new pull request 1.0.0 -> 1.2.0',
      template: 'demo',
      from: '1.0.0',
      to: '1.2.0',
      base: 'main',
    },
    {
      repo: 'acme/b',
      owner: 'acme',
      name: 'b',
      action: 'update',
      reason: '#4 moves from 1.1.0 to 1.2.0',
      template: 'demo',
      from: '1.0.0',
      to: '1.2.0',
      pullRequest: { number: 4, url: 'https://github.com/acme/b/pull/4', state: 'open', to: '1.1.0' },
    },
    {
      repo: 'acme/c',
      owner: 'acme',
      name: 'c',
      action: 'skip',
      reason: 'up to date',
      template: 'demo',
      from: '1.2.0',
      to: '1.2.0',
    },
    { repo: 'acme/d', owner: 'acme', name: 'd', action: 'error', reason: 'GitHub answered 500' },
  ];

  it('plan: one aligned row per repository and the counts', () => {
    expect(formatPlan({ repos, ignored: 1 })).toBe(
      [
        'ACTION  REPOSITORY  TEMPLATE             WHY',
        'open    acme/a      demo 1.0.0 -> 1.2.0  new pull request 1.0.0 -> 1.2.0',
        'update  acme/b      demo 1.0.0 -> 1.2.0  #4 moves from 1.1.0 to 1.2.0',
        'skip    acme/c      demo 1.2.0           up to date',
        'error   acme/d      -                    GitHub answered 500',
        '',
        '1 to open, 1 to update, 1 skipped, 1 error (1 without .detml/state.json ignored).',
        '',
      ].join('\n'),
    );
  });

  it('status: who is on which version, newest first, with the PR in flight; Markdown for a dashboard issue', () => {
    const text = formatStatus({ repos, ignored: 0 }, false);
    expect(text.split('\n').slice(0, 2)).toEqual([
      'REPOSITORY  TEMPLATE  VERSION  LATEST  SYNC PR      NOTE',
      'acme/c      demo      1.2.0    1.2.0',
    ]);
    expect(text).toContain('demo: 1.2.0 ×1, 1.0.0 ×2; 1 error.');
    const md = formatStatus({ repos, ignored: 0 }, true);
    expect(md).toContain(
      '| acme/b | demo | 1.0.0 | 1.2.0 | [#4 -> 1.1.0](https://github.com/acme/b/pull/4) | behind |',
    );
    expect(md).toContain('| acme/d | - | - | - |   | error: GitHub answered 500 |');
  });

  it('summary: counts per outcome and every failure with its error', () => {
    const text = formatSummary(
      [
        { repo: 'acme/a', outcome: 'created', ms: 1 },
        { repo: 'acme/d', outcome: 'failed', detail: 'boom', ms: 1 },
        { repo: 'acme/e', outcome: 'created', conflicts: true, ms: 1 },
      ],
      2.5,
    );
    expect(text).toBe(
      '\nFleet sync: 3 repositories in 2.5 s: 2 created, 1 failed (1 with conflicts to resolve).\n  failed acme/d: boom\n',
    );
  });
});
