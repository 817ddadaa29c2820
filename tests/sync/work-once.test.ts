// Work done once: a PR-mode sync resolves and downloads its target once, commits once, and takes a token by value.
import { describe, expect, it } from 'vitest';
import { resolveAuth } from '../../sync/auth.ts';
import { isToolCommit } from '../../sync/pr-marker.ts';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';
import { isolateRegistryRuns, packageTarball, startNpmRegistry } from '../helpers/npm-registry.ts';
import { tempDir } from '../helpers/tmp.ts';

isolateRegistryRuns();

describe('a pull-request sync does each step once', () => {
  it('with --templates-from latest: one tarball download per package and one commit, made with its trailer', async () => {
    const r = await startNpmRegistry();
    Object.assign(process.env, r.env, { DETML_CACHE_DIR: `${tempDir()}/cache` });
    delete process.env.DETML_TARBALL_DIR;
    r.publish('0.0.9', packageTarball('0.0.9', '1.0.0'));
    const latest = r.publish('0.1.0', packageTarball('0.1.0', '1.1.0'));
    const g = await checkedGithubProject();
    const state = JSON.parse(g.p.read('.detml/state.json'));
    state.generator.version = '0.0.9';
    g.p.write('.detml/state.json', `${JSON.stringify(state, null, 2)}\n`);
    g.p.commit('made by create-detml 0.0.9');
    g.publish();

    const result = await g.sync({ source: { templatesFrom: 'latest' } });
    expect(result).toMatchObject({ from: '1.0.0', to: '1.1.0', pullRequest: { action: 'created' } });
    expect(r.requests.filter((p) => p === '/create-detml/-/create-detml-0.1.0.tgz')).toHaveLength(1);
    expect(r.requests.filter((p) => p === '/create-detml/-/create-detml-0.0.9.tgz')).toHaveLength(1);
    // The branch moved once, to a commit that already carries the trailer.
    expect(g.p.git('reflog', 'show', '--format=%H', 'refs/heads/detml/sync/main').split('\n')).toEqual([result.commit]);
    expect(await isToolCommit(g.p.dir, result.commit!)).toBe(true);
    // The new state names the package whose templates were rendered, with the registry's integrity.
    expect(JSON.parse(g.remote('show', 'detml/sync/main:.detml/state.json')).generator).toEqual({
      name: 'create-detml',
      version: '0.1.0',
      integrity: latest,
    });
  }, 120_000);

  it('takes a token handed over as a value, without any environment variable', async () => {
    const auth = await resolveAuth(
      { token: 'ghs_fleet', env: {} },
      { apiUrl: 'http://127.0.0.1:9/api/v3', owner: 'o', repo: 'r' },
    );
    expect(auth.token).toBe('ghs_fleet');
  });
});
