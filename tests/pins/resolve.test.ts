// `pins resolve` against a real registry (Debian docker-registry 2.8.2): anonymous, Bearer tokens, Basic auth, errors.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveImage } from '../../src/pins/resolve.ts';
import {
  freePort,
  hasDockerRegistry,
  pushTestImage,
  startRegistry,
  writeHtpasswd,
  type PushedImage,
  type TestRegistry,
} from '../helpers/registry.ts';
import { runCli } from '../helpers/run-cli.ts';
import { suiteTempDir } from '../helpers/tmp.ts';
import { startTokenServer, type TokenServer } from './token-server.ts';

const SECRET = 's3cret-do-not-print';
let plain: TestRegistry, basic: TestRegistry, bearer: TestRegistry, bearerAuth: TestRegistry;
let tokens: TokenServer, tokensAuth: TokenServer;
let image: PushedImage;
let dir: string;

beforeAll(async () => {
  if (!hasDockerRegistry())
    throw new Error('These tests need a real registry: apt-get install -y docker-registry apache2-utils');
  dir = suiteTempDir('detml-registry-');
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  // One storage, four front doors: pushes go through the open one; the others share what it stored.
  plain = await startRegistry(dir, storage);
  image = await pushTestImage(plain.url, 'detml/test-image', 'v1');
  await pushTestImage(plain.url, 'library/node', '20.20.2-bookworm-slim');
  writeHtpasswd(join(dir, 'htpasswd'), 'tester', SECRET);
  basic = await startRegistry(dir, storage, { kind: 'basic', htpasswdFile: join(dir, 'htpasswd') });
  tokens = await startTokenServer(mkdirp(join(dir, 'anon')));
  bearer = await startRegistry(dir, storage, { kind: 'token', ...tokens });
  tokensAuth = await startTokenServer(mkdirp(join(dir, 'auth')), { user: { name: 'tester', password: SECRET } });
  bearerAuth = await startRegistry(dir, storage, { kind: 'token', ...tokensAuth });
});

afterAll(async () => {
  await Promise.all([plain, basic, bearer, bearerAuth, tokens, tokensAuth].filter(Boolean).map((s) => s.stop()));
});

function mkdirp(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

const creds = { DETML_REGISTRY_USER: 'tester', DETML_REGISTRY_PASSWORD: SECRET };

describe('pins resolve (registry HTTP API v2)', () => {
  it('resolves a tag to its OCI index digest and the linux/amd64 manifest', async () => {
    const r = await resolveImage(`${plain.host}/detml/test-image:v1`, { env: {} });
    expect(r).toEqual({
      ref: `${plain.host}/detml/test-image:v1`,
      digest: image.index,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      kind: 'index',
      platforms: [
        { platform: 'linux/amd64', digest: image.amd64 },
        { platform: 'linux/arm64', digest: image.arm64 },
      ],
      amd64Digest: image.amd64,
    });
  });

  it('a single-platform tag resolves to its manifest', async () => {
    const r = await resolveImage(`${plain.host}/detml/test-image:v1-amd64`, { env: {} });
    expect(r).toMatchObject({
      digest: image.amd64,
      kind: 'manifest',
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      platforms: [],
    });
  });

  it('gets an anonymous Bearer token from the challenge realm (the Docker Hub / nvcr.io flow)', async () => {
    const r = await resolveImage(`${bearer.host}/detml/test-image:v1`, { env: {} });
    expect(r.digest).toBe(image.index);
    expect(tokens.requests.at(-1)).toEqual({
      service: tokens.service,
      scope: 'repository:detml/test-image:pull',
      authorization: undefined,
    });
  });

  it('sends Basic credentials to a token server that requires them, and reports a refusal in one line', async () => {
    expect((await resolveImage(`${bearerAuth.host}/detml/test-image:v1`, { env: creds })).digest).toBe(image.index);
    const wrong = resolveImage(`${bearerAuth.host}/detml/test-image:v1`, {
      env: { ...creds, DETML_REGISTRY_PASSWORD: 'nope' },
    });
    await expect(wrong).rejects.toThrow(
      /^Token server 127\.0\.0\.1:\d+ refused access to detml\/test-image \(401\); check DETML_REGISTRY_USER and DETML_REGISTRY_PASSWORD\.$/,
    );
  });

  it('uses Basic auth with credentials from the env (or a --credentials-env prefix)', async () => {
    expect((await resolveImage(`${basic.host}/detml/test-image:v1`, { env: creds })).digest).toBe(image.index);
    const env = { NGC_USER: 'tester', NGC_PASSWORD: SECRET };
    expect((await resolveImage(`${basic.host}/detml/test-image:v1`, { env, credentialsEnv: 'NGC' })).digest).toBe(
      image.index,
    );
  });

  it('errors are one clear line: no credentials, wrong credentials, unknown tag, registry down', async () => {
    const down = await freePort();
    const errors = await Promise.all([
      resolveImage(`${basic.host}/detml/test-image:v1`, { env: {} }).catch((e: Error) => e.message),
      resolveImage(`${basic.host}/detml/test-image:v1`, { env: { ...creds, DETML_REGISTRY_PASSWORD: 'nope' } }).catch(
        (e: Error) => e.message,
      ),
      resolveImage(`${plain.host}/detml/test-image:v9`, { env: {} }).catch((e: Error) => e.message),
      resolveImage(`127.0.0.1:${down}/detml/test-image:v1`, { env: {} }).catch((e: Error) => e.message),
    ]);
    expect(errors).toEqual([
      `${basic.host} requires credentials: set DETML_REGISTRY_USER and DETML_REGISTRY_PASSWORD.`,
      `${basic.host}: authentication failed (401) for detml/test-image; check DETML_REGISTRY_USER and DETML_REGISTRY_PASSWORD.`,
      `${plain.host}/detml/test-image:v9 not found (no such repository or tag).`,
      `Cannot reach registry http://127.0.0.1:${down}: ECONNREFUSED.`,
    ]);
    for (const e of errors) expect(e).not.toContain(SECRET);
  });

  it('CLI: prints digest, platforms and the FROM line; --json; never prints credentials', async () => {
    const text = await runCli(['pins', 'resolve', `${basic.host}/detml/test-image:v1`], { cwd: dir, env: creds });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        `${basic.host}/detml/test-image:v1`,
        `  digest       ${image.index} (OCI image index)`,
        `  linux/amd64  ${image.amd64}`,
        `  linux/arm64  ${image.arm64}`,
        `  pin          FROM ${basic.host}/detml/test-image:v1@${image.index}`,
        '',
      ].join('\n'),
    );
    const json = await runCli(['pins', 'resolve', `${plain.host}/detml/test-image:v1`, '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ digest: image.index, amd64Digest: image.amd64 });
    const denied = await runCli(['pins', 'resolve', `${basic.host}/detml/test-image:v1`], {
      cwd: dir,
      env: { ...creds, DETML_REGISTRY_PASSWORD: `${SECRET}x` },
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: 127\.0\.0\.1:\d+: authentication failed \(401\)/);
    expect(denied.stdout + denied.stderr).not.toContain(SECRET);
  });

  it('CLI: --registry-url sends a Docker Hub reference to a mirror (library/ prefix kept); plain http only on loopback', async () => {
    const r = await runCli(['pins', 'resolve', 'node:20.20.2-bookworm-slim', '--registry-url', plain.url, '--json'], {
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ ref: 'node:20.20.2-bookworm-slim', kind: 'index' });
    const insecure = await runCli(['pins', 'resolve', 'node:20', '--registry-url', 'http://registry.example.com'], {
      cwd: dir,
    });
    expect(insecure.code).toBe(1);
    expect(insecure.stderr).toBe(
      'error: --registry-url http://registry.example.com: plain http is only allowed for 127.0.0.1/localhost; use https.\n',
    );
    const usage = await runCli(['pins', 'resolve'], { cwd: dir });
    expect(usage.code).toBe(2);
  });
});
