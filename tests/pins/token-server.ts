// A Docker-style token server (the `auth.docker.io/token` flow) for a real registry configured with `auth: token`.
import { spawnSync } from 'node:child_process';
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';

/** A running token server and the key material the registry trusts. */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** Every token request seen, for assertions (scope, service, whether credentials were sent). */
  requests: { service: string | null; scope: string | null; authorization: string | undefined }[];
  stop(): Promise<void>;
}

/** Options: with `user`, only those Basic credentials get tokens; without, anyone does (anonymous pulls). */
export interface TokenServerOptions {
  user?: { name: string; password: string };
}

/**
 * Starts the server. The signing key is a fresh self-signed RSA certificate made with `openssl req -x509`; tokens are
 * RS256 JWTs whose `x5c` header carries that certificate, which the registry checks against its `rootcertbundle`.
 */
export async function startTokenServer(dir: string, options: TokenServerOptions = {}): Promise<TokenServer> {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  const res = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=detml-test-token',
    ],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`openssl failed: ${res.stderr}`);
  const key = readFileSync(keyFile, 'utf8');
  const certDer = new X509Certificate(readFileSync(certFile)).raw.toString('base64');
  const service = 'detml-test-registry';
  const issuer = 'detml-test-issuer';
  const requests: TokenServer['requests'] = [];
  const server: Server = createServer((req, resp) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const scope = url.searchParams.get('scope');
    requests.push({ service: url.searchParams.get('service'), scope, authorization: req.headers.authorization });
    if (url.pathname !== '/token') return void resp.writeHead(404).end();
    if (options.user && !authorized(req, options.user)) {
      resp.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
      return;
    }
    const access = scope ? [parseScope(scope)] : [];
    const token = sign(key, certDer, { iss: issuer, aud: service, sub: options.user?.name ?? '', access });
    resp
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function authorized(req: IncomingMessage, user: { name: string; password: string }): boolean {
  const expected = `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}

function parseScope(scope: string): { type: string; name: string; actions: string[] } {
  const [type = '', ...rest] = scope.split(':');
  const actions = (rest.pop() ?? '').split(',').filter((a) => a === 'pull');
  return { type, name: rest.join(':'), actions };
}

function sign(
  key: string,
  certDer: string,
  claims: { iss: string; aud: string; sub: string; access: unknown[] },
): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = b64({ typ: 'JWT', alg: 'RS256', x5c: [certDer] });
  const payload = b64({ ...claims, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID() });
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}
