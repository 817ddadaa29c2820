// The token given is the token used: a checkout's own git credentials neither replace the sync token nor get erased.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';
import { tempDir } from '../helpers/tmp.ts';

const basic = (token: string) => `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;

describe('git network commands use the sync token and nothing else', () => {
  it('pushes with the sync token although the checkout has a stale URL-scoped extraheader (as actions/checkout leaves)', async () => {
    const g = await checkedGithubProject();
    g.publish();
    // actions/checkout scopes its header to the server URL; a later step's GITHUB_TOKEN must still win.
    g.p.git('config', `http.${g.gh.url}/.extraheader`, basic('ghs_expired_checkout_token'));
    const r = await g.sync({ to: '1.1.0' });
    expect(r.pullRequest).toMatchObject({ action: 'created', branch: 'detml/sync/main' });
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(r.commit);
    expect(g.gh.gitCalls.every((c) => c.authorized)).toBe(true);
    expect(g.p.git('config', '--get', `http.${g.gh.url}/.extraheader`)).toBe(basic('ghs_expired_checkout_token'));
  });

  it.each(['credential.helper', 'credential.{url}.helper'])(
    'a failed push leaves the credentials stored in a credential helper (%s) untouched, and never uses them',
    async (key) => {
      const g = await checkedGithubProject();
      g.publish();
      // The sync token may read but not push; the user's own stored token could push.
      const readOnly = 'ghp_readonly000000000000000000000000';
      g.gh.addToken(readOnly, { contents: 'read', pull_requests: 'write', issues: 'write', metadata: 'read' });
      const store = join(tempDir(), 'git-credentials');
      const stored = `${g.gh.url.replace('://', `://me:${g.token}@`)}\n`;
      writeFileSync(store, stored);
      g.p.git('config', key.replace('{url}', g.gh.url), `store --file=${store}`);
      await expect(g.sync({ to: '1.1.0', env: { GITHUB_TOKEN: readOnly } })).rejects.toThrow(/token was refused/);
      expect(existsSync(store) && readFileSync(store, 'utf8')).toBe(stored);
      expect(g.remote('for-each-ref', '--format=%(refname:short)', 'refs/heads')).toBe('main');
    },
  );
});
