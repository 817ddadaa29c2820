import { describe, expect, it } from 'vitest';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';
import { filesContaining } from '../helpers/files-containing.ts';

// Every request create-detml sent and every response the fake built must match GitHub's OpenAPI description.
const setup = checkedGithubProject;

describe('create-detml sync (built CLI) against the fake GitHub', () => {
  it('opens the PR, then updates it for the next release; the token never reaches a file, a ref, a URL or the output', async () => {
    const g = await setup();
    const first = await g.cli(['--to', '1.1.0']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Committed ');
    expect(first.stdout).toMatch(
      /^Opened pull request #1 \(detml\/sync\/main\): http:\/\/127\.0\.0\.1:\d+\/acme\/proj\/pull\/1$/m,
    );
    const second = await g.cli([]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Updated pull request #1 \(detml\/sync\/main\)/m);
    expect(g.gh.pulls('acme', 'proj')).toMatchObject([
      { number: 1, title: 'detml: update demo template 1.0.0 -> 1.2.0', labels: ['detml-sync'] },
    ]);

    // The token and its Basic-auth form: nowhere in the project (work tree and .git), the server's repo, or the output.
    const needles = [g.token, Buffer.from(`x-access-token:${g.token}`).toString('base64')];
    expect(filesContaining(g.p.dir, needles)).toEqual([]);
    expect(filesContaining(g.gh.state.repo('acme', 'proj')!.dir, needles)).toEqual([]);
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr])
      for (const n of needles) expect(out).not.toContain(n);
    expect(g.p.git('config', '--list', '--local')).not.toMatch(/extraheader|x-access-token/i);
    expect(g.p.git('remote', 'get-url', 'origin')).toBe(g.gh.gitUrl('acme', 'proj'));
    // The pushes were authenticated (git sent the header), and nothing was rejected along the way.
    expect(g.gh.gitCalls.filter((c) => c.write).every((c) => c.authorized)).toBe(true);
  });

  it('keeps the token out of error output too, and names the missing permission', async () => {
    const g = await setup();
    g.gh.addToken('ghp_secret_no_pr_write_0123456789', { contents: 'write', pull_requests: 'read', issues: 'write' });
    const r = await g.cli(['--to', '1.1.0', '--token-env', 'MY_TOKEN'], {
      MY_TOKEN: 'ghp_secret_no_pr_write_0123456789',
      GITHUB_TOKEN: undefined,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The token needs pull-requests: write');
    expect(`${r.stdout}${r.stderr}`).not.toContain('ghp_secret_no_pr_write_0123456789');
    expect(filesContaining(g.p.dir, ['ghp_secret_no_pr_write_0123456789'])).toEqual([]);
  });

  it('conflicts: exit 3 with a draft PR, exit 0 with --allow-conflicts', async () => {
    const g = await setup();
    g.p.write('config.txt', Array.from({ length: 20 }, (_, i) => (i === 1 ? 'mine\n' : `line ${i + 1}\n`)).join(''));
    g.p.commit();
    g.publish();
    const r = await g.cli(['--to', '1.1.0']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^Opened draft pull request #1/m);
    expect(g.gh.pulls('acme', 'proj')).toMatchObject([{ draft: true, labels: ['detml-sync', 'conflicts'] }]);
    const allowed = await g.cli(['--to', '1.1.0', '--allow-conflicts']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^Pull request is already up to date: #1/m);
  });

  it('says so and exits 0 when a maintainer closed the PR for this version', async () => {
    const g = await setup();
    expect((await g.cli(['--to', '1.1.0'])).code).toBe(0);
    g.gh.closePull('acme', 'proj', 1);
    const r = await g.cli(['--to', '1.1.0', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).pullRequest).toMatchObject({
      action: 'closed-by-maintainer',
      number: 1,
      notes: [expect.stringContaining('was closed without merging')],
    });
  });

  it('--check: exit 4 with an update available, 0 when up to date; --json for CI; no network, no branch', async () => {
    const g = await setup();
    const text = await g.cli(['--check'], { GITHUB_TOKEN: undefined });
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(
      /^Update available: demo 1\.0\.0 -> 1\.2\.0 \(\d+ files\)\. Run create-detml sync to open a pull request\.\n$/,
    );
    const json = await g.cli(['--check', '--json'], { GITHUB_TOKEN: undefined });
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({
      updateAvailable: true,
      template: 'demo',
      from: '1.0.0',
      to: '1.2.0',
      conflicts: false,
    });
    expect(g.p.git('branch', '--list', 'detml/*')).toBe('');
    expect(g.gh.calls).toEqual([]);

    const fresh = await setup('1.2.0');
    const none = await fresh.cli(['--check', '--json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ updateAvailable: false, from: '1.2.0', to: '1.2.0' });
  });
});
