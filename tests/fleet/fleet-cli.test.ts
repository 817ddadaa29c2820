import { describe, expect, it } from 'vitest';
import type { PlanJson } from '../../sync/fleet/matrix.ts';
import { buildFleet } from '../helpers/fake-github/fleet.ts';
import { startFakeGitHub } from '../helpers/fake-github/server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('create-detml fleet (built CLI)', () => {
  it('is listed in --help and has its own help', async () => {
    const cwd = tempDir();
    expect((await runCli(['--help'], { cwd })).stdout).toContain('create-detml fleet plan|sync|status');
    const help = await runCli(['fleet', '--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: create-detml fleet plan\|sync\|status \[options\]/);
    const bad = await runCli(['fleet', 'plan', '--bogus'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Run create-detml fleet --help for usage.');
  });

  it('plans against the fake GitHub and writes the JSON the workflow reads; the token stays out of the output', async () => {
    const gh = await startFakeGitHub();
    const scratch = tempDir('detml-fleet-cli-');
    const { templateRoot } = await buildFleet(
      gh,
      'acme',
      [
        { name: 'one', version: '1.0.0' },
        { name: 'two', version: '1.2.0' },
      ],
      scratch,
    );
    const token = 'ghp_cli_fleet_token_0123456789';
    gh.addToken(token);
    const r = await runCli(
      ['fleet', 'plan', '--org', 'acme', '--json', '--api-url', gh.apiUrl, '--template-root', templateRoot],
      { cwd: scratch, env: { GITHUB_TOKEN: token } },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.repos.map((p) => [p.repo, p.action])).toEqual([
      ['acme/one', 'open'],
      ['acme/two', 'skip'],
    ]);
    expect(plan.matrix.include.map((j) => j.repos)).toEqual(['acme/one']);
    expect(r.stdout).not.toContain(token);
    expect(gh.violations).toEqual([]);
  });
});
