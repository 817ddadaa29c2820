import { describe, expect, it } from 'vitest';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';

// Every request create-detml sent and every response the fake built must match GitHub's OpenAPI description.
const setup = checkedGithubProject;

const branches = (g: Awaited<ReturnType<typeof setup>>) =>
  g.remote('for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n');

describe('sync opens and upserts one pull request per base branch', () => {
  it('first sync pushes detml/sync/main and opens a labelled PR whose commit has the new state file', async () => {
    const g = await setup();
    const r = await g.sync({ to: '1.1.0' });
    expect(r.pullRequest).toMatchObject({ action: 'created', number: 1, branch: 'detml/sync/main', draft: false });
    const [pr] = g.gh.pulls('acme', 'proj');
    expect(pr).toMatchObject({
      title: 'detml: update demo template 1.0.0 -> 1.1.0',
      head: 'detml/sync/main',
      base: 'main',
      state: 'open',
      draft: false,
      labels: ['detml-sync'],
    });
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(r.commit);
    expect(g.remote('rev-parse', `${r.commit}^`)).toBe(g.remote('rev-parse', 'refs/heads/main'));
    expect(JSON.parse(g.remote('show', 'detml/sync/main:.detml/state.json')).template.version).toBe('1.1.0');
    expect(pr?.body).toContain(`<!-- detml-sync: {"head":"${r.commit}","to":"1.1.0"} -->`);
    expect(pr?.body).toContain('@<!-- -->octocat'); // from the 1.1.0 changelog, neutralised
    expect(g.p.git('status', '--porcelain')).toBe('');
  });

  it('a second template release updates the same PR in place (force-push with lease), and a rerun changes nothing', async () => {
    const g = await setup();
    const first = await g.sync({ to: '1.1.0' });
    const second = await g.sync();
    expect(second.pullRequest).toMatchObject({ action: 'updated', number: 1, branch: 'detml/sync/main' });
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
    const [pr] = g.gh.pulls('acme', 'proj');
    expect(pr?.title).toBe('detml: update demo template 1.0.0 -> 1.2.0');
    expect(pr?.body).toContain(`{"head":"${second.commit}","to":"1.2.0"}`);
    expect(pr?.body).toMatch(/#### 1\.2\.0[\s\S]*#### 1\.1\.0/);
    expect(second.commit).not.toBe(first.commit);
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(second.commit);
    expect(g.gh.count('pulls/create')).toBe(1);

    const pushes = g.gh.gitCalls.filter((c) => c.write).length;
    const third = await g.sync();
    expect(third.pullRequest).toMatchObject({ action: 'unchanged', number: 1 });
    expect(g.gh.gitCalls.filter((c) => c.write).length).toBe(pushes);
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(second.commit);
    expect(branches(g)).toEqual(['detml/sync/main', 'main']);
  });

  it("never force-pushes over a maintainer's commit: same version is left alone, a newer one gets its own branch and PR", async () => {
    const g = await setup();
    await g.sync({ to: '1.1.0' });
    const theirs = g.maintainerCommit('detml/sync/main', 'untouched.txt', 'fixed by a maintainer\n');

    const same = await g.sync({ to: '1.1.0' });
    expect(same.pullRequest).toMatchObject({ action: 'left-for-maintainer', number: 1 });
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(theirs);

    const newer = await g.sync({ to: '1.2.0' });
    expect(newer.pullRequest).toMatchObject({
      action: 'created',
      number: 2,
      branch: 'detml/sync/main-1.2.0',
      supersedes: 1,
    });
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(theirs);
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main-1.2.0')).toBe(newer.commit);
    const [old] = g.gh.pulls('acme', 'proj');
    expect(old?.state).toBe('open');
    expect(old?.comments.map((c) => c.body)).toEqual([
      expect.stringContaining('The update to 1.2.0 is in #2 (http://'),
    ]);

    const again = await g.sync({ to: '1.2.0' });
    expect(again.pullRequest).toMatchObject({ action: 'unchanged', number: 2 });
    expect(old?.comments).toHaveLength(1);
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(2);
  });

  it('never reopens or recreates a PR a human closed for the same version, but proposes a newer one', async () => {
    const g = await setup();
    await g.sync({ to: '1.1.0' });
    g.gh.closePull('acme', 'proj', 1);
    const again = await g.sync({ to: '1.1.0' });
    expect(again.pullRequest).toMatchObject({ action: 'closed-by-maintainer', number: 1 });
    expect(g.gh.pulls('acme', 'proj')).toMatchObject([{ number: 1, state: 'closed' }]);
    expect(g.gh.count('pulls/create')).toBe(1);
    expect(g.gh.count('pulls/update')).toBe(0);

    const newer = await g.sync({ to: '1.2.0' });
    expect(newer.pullRequest).toMatchObject({ action: 'created', number: 2, branch: 'detml/sync/main' });
    expect(g.gh.pulls('acme', 'proj')[0]?.state).toBe('closed');
  });

  it('conflicts: a draft PR labelled "conflicts" whose body names the files; markers only on the PR branch', async () => {
    const g = await setup();
    g.p.write('config.txt', Array.from({ length: 20 }, (_, i) => (i === 1 ? 'mine\n' : `line ${i + 1}\n`)).join(''));
    g.p.commit();
    g.publish();
    const r = await g.sync({ to: '1.1.0' });
    expect(r.status).toBe('conflicts');
    expect(r.pullRequest).toMatchObject({ action: 'created', draft: true });
    const [pr] = g.gh.pulls('acme', 'proj');
    expect(pr).toMatchObject({ draft: true, labels: ['detml-sync', 'conflicts'] });
    expect(pr?.body).toMatch(/conflicts in 1 file[\s\S]*> {4}- `config\.txt`/);
    expect(g.remote('show', 'detml/sync/main:config.txt')).toContain('<<<<<<<');
    expect(g.remote('show', 'main:config.txt')).not.toContain('<<<<<<<');
    expect(g.p.read('config.txt')).not.toContain('<<<<<<<');
  });

  it('refuses to open a PR that would carry local commits the remote base does not have', async () => {
    const g = await setup();
    g.p.write('notes.txt', 'local only\n');
    g.p.commit('unpushed');
    await expect(g.sync({ to: '1.1.0' })).rejects.toThrow('Your main has commits that are not on acme/proj; push them');
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(0);
    expect(branches(g)).toEqual(['main']);
  });

  it('targets the default branch unless --base says otherwise, and refuses a mismatch with the checkout', async () => {
    const g = await setup();
    await expect(g.sync({ to: '1.1.0', base: 'release' })).rejects.toThrow('Check out release or pass --base main.');
    expect(g.gh.count('pulls/create')).toBe(0);
  });

  it('authenticates as a GitHub App: JWT -> installation token used for the API and the push', async () => {
    const g = await setup();
    const app = g.gh.addApp();
    const r = await g.sync({
      to: '1.1.0',
      env: { GITHUB_APP_ID: String(app.appId), GITHUB_APP_PRIVATE_KEY: app.privateKeyPem.replace(/\n/g, '\\n') },
    });
    expect(r.pullRequest).toMatchObject({ action: 'created', number: 1 });
    expect(g.gh.pulls('acme', 'proj')[0]?.author).toBe('detml-sync-app[bot]');
    expect(g.gh.count('apps/get-repo-installation')).toBe(1);
    expect(g.gh.count('apps/create-installation-access-token')).toBe(1);
  });
});
