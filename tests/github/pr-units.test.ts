import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appJwt } from '../../sync/auth.ts';
import { explainGitHubError, redact } from '../../sync/pr-errors.ts';
import type { HttpFailure } from '../../sync/pr-retry.ts';
import { parseRemoteUrl, resolveTarget, serverUrl, stripCredentials } from '../../sync/pr-target.ts';
import { gitAuthEnv } from '../../sync/push.ts';
import { tempDir } from '../helpers/tmp.ts';

const f = (status: number | undefined, headers: Record<string, string> = {}, message = ''): HttpFailure => ({
  status,
  headers,
  message,
});

describe('errors never carry the token', () => {
  it('redacts the token and its Basic-auth form', () => {
    const basic = Buffer.from('x-access-token:ghp_abcdef').toString('base64');
    expect(redact(`token ghp_abcdef header ${basic}`, ['ghp_abcdef'])).toBe('token *** header ***');
  });

  it('names the permission for 403 and the fix for 404', () => {
    const where = { repo: 'o/r', apiUrl: 'https://api.github.com' };
    const step = { action: 'open the pull request', permission: 'pull-requests: write' };
    expect(explainGitHubError(f(403, {}, 'Resource not accessible by integration'), step, where, []).message).toBe(
      'GitHub refused to open the pull request on o/r (403: Resource not accessible by integration). The token needs pull-requests: write; sync needs contents: write, pull-requests: write and issues: write (for labels).',
    );
    expect(explainGitHubError(f(404, {}, 'Not Found ghp_leak'), step, where, ['ghp_leak']).message).not.toContain(
      'ghp_leak',
    );
  });
});

describe('git authentication through the environment', () => {
  it('adds a reset and the Basic header scoped to the remote URL, and switches credential helpers off, after any GIT_CONFIG_* the user already has', () => {
    const url = 'https://github.com/acme/proj.git';
    expect(gitAuthEnv('tok', url, { GIT_CONFIG_COUNT: '1' })).toEqual({
      GIT_CONFIG_COUNT: '4',
      GIT_CONFIG_KEY_1: `http.${url}.extraHeader`,
      GIT_CONFIG_VALUE_1: '',
      GIT_CONFIG_KEY_2: `http.${url}.extraHeader`,
      GIT_CONFIG_VALUE_2: `AUTHORIZATION: basic ${Buffer.from('x-access-token:tok').toString('base64')}`,
      GIT_CONFIG_KEY_3: 'credential.helper',
      GIT_CONFIG_VALUE_3: '',
      GIT_ASKPASS: '',
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
    });
  });
});

describe('repository and URLs', () => {
  it.each([
    ['https://github.com/acme/proj.git', { owner: 'acme', repo: 'proj' }],
    ['https://x-access-token:secret@github.com/acme/proj', { owner: 'acme', repo: 'proj' }],
    ['git@github.com:acme/proj.git', { owner: 'acme', repo: 'proj' }],
    ['ssh://git@ghe.example.com:2222/acme/proj.git', { owner: 'acme', repo: 'proj' }],
    ['http://127.0.0.1:4000/acme/proj.git', { owner: 'acme', repo: 'proj' }],
    ['/srv/git/proj.git', undefined],
  ])('parses %s', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });

  it.each([
    ['https://api.github.com', 'https://github.com'],
    ['https://ghe.example.com/api/v3', 'https://ghe.example.com'],
    ['http://127.0.0.1:4000/api/v3/', 'http://127.0.0.1:4000'],
    ['https://api.acme.ghe.com', 'https://acme.ghe.com'],
  ])('server of %s is %s', (api, server) => {
    expect(serverUrl(api)).toBe(server);
  });

  it('strips credentials from a remote URL', () => {
    expect(stripCredentials('https://user:ghp_x@github.com/o/r.git')).toBe('https://github.com/o/r.git');
  });
});

describe('GitHub App JWT', () => {
  it('is RS256-signed, issued 60 s back, valid 9 minutes, issuer = app id', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwt = appJwt('123', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), 1_000_000);
    const [h, p, s] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toEqual({ iat: 999_940, exp: 1_000_540, iss: '123' });
    expect(verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
    expect(() => appJwt('1', 'not a key', 0)).toThrow('The GitHub App private key is not a valid PEM key');
  });
});

describe('resolveTarget', () => {
  const repoWithOrigin = (origin: string) => {
    const dir = tempDir();
    execFileSync('git', ['init', '-q', dir]);
    execFileSync('git', ['remote', 'add', 'origin', origin], { cwd: dir });
    return dir;
  };

  it('pushes to an https origin on the API’s server, without its credentials', async () => {
    const dir = repoWithOrigin('https://user:ghp_x@github.com/acme/proj.git');
    expect(await resolveTarget(dir, { env: {} })).toEqual({
      owner: 'acme',
      repo: 'proj',
      apiUrl: 'https://api.github.com',
      remoteUrl: 'https://github.com/acme/proj.git',
    });
  });

  it('never sends the token to an origin on another host; ssh origins get the https URL of the server', async () => {
    expect(
      (await resolveTarget(repoWithOrigin('https://mirror.example.com/acme/proj.git'), { env: {} })).remoteUrl,
    ).toBe('https://github.com/acme/proj.git');
    expect(
      await resolveTarget(repoWithOrigin('git@ghe.example.com:acme/proj.git'), {
        env: { GITHUB_API_URL: 'https://ghe.example.com/api/v3' },
      }),
    ).toEqual({
      owner: 'acme',
      repo: 'proj',
      apiUrl: 'https://ghe.example.com/api/v3',
      remoteUrl: 'https://ghe.example.com/acme/proj.git',
    });
  });

  it('--repo and --remote-url win; a bad slug is a usage error', async () => {
    const dir = repoWithOrigin('https://github.com/acme/proj.git');
    expect(
      await resolveTarget(dir, { repo: 'other/thing', remoteUrl: 'https://git.example.com/x.git', env: {} }),
    ).toMatchObject({ owner: 'other', repo: 'thing', remoteUrl: 'https://git.example.com/x.git' });
    await expect(resolveTarget(dir, { repo: 'nope', env: {} })).rejects.toMatchObject({
      message: '--repo must look like owner/name, got "nope".',
      exitCode: 2,
    });
  });
});
