import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetApi } from '../../sync/fleet/api.ts';
import { fleetCommand } from '../../sync/fleet/command.ts';
import { connectRest } from '../../sync/github.ts';
import { RateLimitGate } from '../../sync/fleet/limiter.ts';
import type { PlanJson } from '../../sync/fleet/matrix.ts';
import { planFleet } from '../../sync/fleet/plan.ts';
import { runFleetSync } from '../../sync/fleet/run.ts';
import { repoArgs } from '../../sync/fleet/sources.ts';
import { buildFleet } from '../helpers/fake-github/fleet.ts';
import { FAST_RETRY } from '../helpers/fake-github/project.ts';
import { ALL_WRITE, startFakeGitHub } from '../helpers/fake-github/server.ts';
import { tempDir } from '../helpers/tmp.ts';

const TOKEN = 'ghp_fork_bot_token_abcdef012345';
const READ_ONLY = { contents: 'read', pull_requests: 'write', issues: 'read', metadata: 'read' } as const;

// Three upstream repositories the bot may read and open PRs on but not push to, plus one it can push to.
async function setup() {
  const gh = await startFakeGitHub();
  const scratch = tempDir('detml-fleet-fork-');
  const { templateRoot } = await buildFleet(
    gh,
    'upstream',
    [
      { name: 'lib-a', version: '1.0.0' },
      { name: 'lib-b', version: '1.1.0' },
      { name: 'lib-c', version: '1.2.0' },
      { name: 'own', version: '1.1.0' },
    ],
    scratch,
  );
  gh.addToken(TOKEN, ALL_WRITE, 'sync-bot', {
    'upstream/lib-a': READ_ONLY,
    'upstream/lib-b': READ_ONLY,
    'upstream/lib-c': READ_ONLY,
  });
  const list = join(scratch, 'fleet.yml');
  writeFileSync(
    list,
    [
      'repositories:',
      '  - upstream/lib-a',
      '  - upstream/lib-b',
      '  - upstream/lib-c',
      '  - repo: upstream/own',
      '    optOut: true',
      '    reason: migrating',
    ].join('\n'),
  );
  const run = async (...args: string[]) => {
    let out = '';
    const code = await fleetCommand([...args, '--template-root', templateRoot, '--api-url', gh.apiUrl], {
      write: (t) => void (out += t),
      env: { BOT_TOKEN: TOKEN },
      retry: FAST_RETRY,
    });
    return { code, out };
  };
  return { gh, list, run, templateRoot };
}

describe("fleet fork mode: PRs from the bot's forks where it cannot push", () => {
  it('forks when missing, pushes there, opens the PR from forkOwner:branch, and updates it in place later', async () => {
    const { gh, list, run } = await setup();
    const planned = JSON.parse(
      (await run('plan', '--repos', list, '--json', '--token-env', 'BOT_TOKEN', '--fork', 'sync-bot', '--to', '1.1.0'))
        .out,
    ) as PlanJson;
    expect(planned.repos.map((r) => [r.name, r.action, r.fork ?? false, r.reason])).toEqual([
      ['lib-a', 'open', true, 'new pull request 1.0.0 -> 1.1.0 from a fork in sync-bot'],
      ['lib-b', 'skip', false, 'up to date'],
      ['lib-c', 'skip', false, 'ahead of the target 1.1.0'],
      ['own', 'skip', false, `opted out in ${list}: migrating`],
    ]);
    expect(planned.matrix.include).toEqual([
      { name: 'upstream/lib-a', owner: 'upstream', repos: 'upstream/lib-a', names: 'lib-a', fork: true },
    ]);

    const first = await run('sync', '--repos', list, '--token-env', 'BOT_TOKEN', '--fork', 'sync-bot', '--to', '1.1.0');
    expect(first.code).toBe(0);
    expect(gh.state.repo('sync-bot', 'lib-a')?.parent).toBe('upstream/lib-a');
    const [pr] = gh.pulls('upstream', 'lib-a');
    expect(pr).toMatchObject({
      headOwner: 'sync-bot',
      head: 'detml/sync/main',
      base: 'main',
      state: 'open',
      maintainerCanModify: true,
      labels: [],
    });
    expect(pr?.title).toBe('detml: update demo template 1.0.0 -> 1.1.0');
    const heads = (dir: string) =>
      execFileSync('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads'], { cwd: dir, encoding: 'utf8' })
        .trim()
        .split('\n');
    expect(heads(gh.state.repo('upstream', 'lib-a')!.dir)).toEqual(['main']);
    expect(heads(gh.state.repo('sync-bot', 'lib-a')!.dir)).toEqual(['detml/sync/main', 'main']);

    // The newest template: the same fork and PR are updated (force-push with lease to the fork), lib-b gets its own.
    const second = await run('sync', '--repos', list, '--token-env', 'BOT_TOKEN', '--fork', 'sync-bot');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^updated +upstream\/lib-a +demo 1\.0\.0 -> 1\.2\.0 +#\d+ /m);
    expect(second.out).toMatch(/^created +upstream\/lib-b +demo 1\.1\.0 -> 1\.2\.0 +#\d+ /m);
    expect(gh.pulls('upstream', 'lib-a').map((p) => [p.number, p.title])).toEqual([
      [pr!.number, 'detml: update demo template 1.0.0 -> 1.2.0'],
    ]);
    const fork = gh.state.repo('sync-bot', 'lib-a')!.dir;
    expect(
      JSON.parse(execFileSync('git', ['show', 'detml/sync/main:.detml/state.json'], { cwd: fork, encoding: 'utf8' }))
        .template.version,
    ).toBe('1.2.0');
    expect([...gh.state.repos.keys()].filter((k) => k.startsWith('sync-bot/')).sort()).toEqual([
      'sync-bot/lib-a',
      'sync-bot/lib-b',
    ]);
    expect(gh.count('repos/create-fork')).toBe(3); // lib-a twice (GitHub returns the existing fork), lib-b once
    expect(gh.violations).toEqual([]);
  });

  it('forks into an organisation, where "allow edits by maintainers" cannot be granted, and skips without --fork', async () => {
    const { gh, list, run } = await setup();
    gh.state.orgs.add('bots');
    const without = await run('plan', '--repos', list, '--token-env', 'BOT_TOKEN');
    expect(without.out).toMatch(
      /^skip +upstream\/lib-a +demo 1\.0\.0 -> 1\.2\.0 +the token cannot push here: pass --fork OWNER/m,
    );
    const r = await run('sync', '--repo', 'upstream/lib-a', '--token-env', 'BOT_TOKEN', '--fork', 'bots');
    expect(r.code).toBe(0);
    expect(gh.pulls('upstream', 'lib-a')).toMatchObject([
      { headOwner: 'bots', maintainerCanModify: false, state: 'open' },
    ]);
    expect(gh.violations).toEqual([]);
  });
});

describe('fleet credentials and discovery', () => {
  it('never writes the token into a clone: not in .git/config, a remote URL or any file', async () => {
    const { gh, templateRoot } = await setup();
    const retry = { ...FAST_RETRY, gate: new RateLimitGate() };
    const api = fleetApi(await connectRest({ apiUrl: gh.apiUrl, token: TOKEN, retry }));
    const plan = await planFleet(repoArgs(['upstream/own']), { api, source: { templateRoot }, concurrency: 1 });
    const workDir = tempDir('detml-fleet-clones-');
    const [result] = await runFleetSync({
      plan: plan.repos,
      token: TOKEN,
      apiUrl: gh.apiUrl,
      api,
      source: { templateRoot },
      retry,
      concurrency: 1,
      workDir,
      keepClones: true,
    });
    expect(result).toMatchObject({ repo: 'upstream/own', outcome: 'created' });
    const needles = [TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64')];
    const files: string[] = [];
    const walk = (d: string) =>
      readdirSync(d).forEach((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : files.push(join(d, n))));
    walk(workDir);
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => needles.some((n) => readFileSync(f).includes(n)))).toEqual([]);
    const [clone] = readdirSync(workDir);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: join(workDir, clone!, 'work'), encoding: 'utf8' }).trim();
    expect(git('config', '--list', '--local')).not.toMatch(/extraheader|x-access-token/i);
    expect(git('remote', 'get-url', 'origin')).toBe(gh.gitUrl('upstream', 'own'));
    expect(gh.gitCalls.every((c) => c.authorized)).toBe(true);
  });

  it('--installation lists what the App installation can access; --only and --exclude filter owner/name globs', async () => {
    const { gh, templateRoot } = await setup();
    gh.state.tokens.set('ghs_installation_token_0123', {
      login: 'detml-sync-app[bot]',
      permissions: ALL_WRITE,
      installation: true,
    });
    const plan = async (...args: string[]) => {
      let out = '';
      const io = {
        write: (t: string) => void (out += t),
        env: { APP_TOKEN: 'ghs_installation_token_0123' },
        retry: FAST_RETRY,
      };
      await fleetCommand(
        [
          'plan',
          '--installation',
          '--json',
          ...args,
          '--template-root',
          templateRoot,
          '--api-url',
          gh.apiUrl,
          '--token-env',
          'APP_TOKEN',
        ],
        io,
      );
      return (JSON.parse(out) as PlanJson).repos.map((r) => r.repo);
    };
    expect(await plan()).toEqual(['upstream/lib-a', 'upstream/lib-b', 'upstream/lib-c', 'upstream/own']);
    expect(await plan('--only', 'UPSTREAM/lib-*', '--exclude', '*/lib-c')).toEqual([
      'upstream/lib-a',
      'upstream/lib-b',
    ]);
    const quiet = { write: () => {}, env: { GITHUB_TOKEN: 'ghp_x' } };
    await expect(fleetCommand(['plan', '--org', 'upstream', '--repo', 'a/b'], quiet)).rejects.toThrow(
      'exactly one of --repos, --org, --installation or --repo (got --org, --repo)',
    );
    await expect(fleetCommand(['plan', '--org', 'upstream'], { ...quiet, env: {} })).rejects.toThrow(
      'fleet needs a GitHub token in $GITHUB_TOKEN',
    );
    await expect(fleetCommand(['apply', '--org', 'upstream'], quiet)).rejects.toThrow('Unknown fleet command "apply"');
    expect(gh.violations).toEqual([]);
  });
});
