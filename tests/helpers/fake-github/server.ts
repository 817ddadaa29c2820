// An offline GitHub for the pull-request tests: one node:http server on 127.0.0.1 serving real git smart HTTP for
// bare repositories (/<owner>/<repo>.git/...) and the REST API (/api/v3/...) validated against GitHub's description.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApi, loadGitHubSpec, type ApiCall } from './api.ts';
import type { Fault } from './faults.ts';
import { serveGit, type GitCall } from './git-http.ts';
import { FakeState, permissionsOn, type FakePull, type FakeRepo, type Permissions } from './state.ts';

/** Full access for a token: what `create-detml sync` documents as needed. */
export const ALL_WRITE: Permissions = { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' };

/** A running fake GitHub with handles on its state, calls, injected faults and schema violations. */
export interface FakeGitHub {
  /** Web root, e.g. http://127.0.0.1:PORT (git URLs live under it). */
  url: string;
  /** REST root, e.g. http://127.0.0.1:PORT/api/v3 (pass as --api-url). */
  apiUrl: string;
  state: FakeState;
  faults: Fault[];
  calls: ApiCall[];
  gitCalls: GitCall[];
  /** Requests or responses that broke GitHub's OpenAPI description; every test expects none. */
  violations: string[];
  gitUrl(owner: string, name: string): string;
  /** Publishes a local repository as `owner/name` (a bare clone), with pushes enabled. */
  addRepo(
    owner: string,
    name: string,
    source: string,
    extra?: Partial<Pick<FakeRepo, 'parent' | 'archived'>>,
  ): FakeRepo;
  /** Registers a token; `repos` gives per-repository permissions (`owner/name` lower case) replacing `permissions` there. */
  addToken(token: string, permissions?: Permissions, login?: string, repos?: Record<string, Permissions>): void;
  /** Registers a GitHub App installed on every repository; returns its id, installation and private key. */
  addApp(): { appId: number; installationId: number; privateKeyPem: string };
  pulls(owner: string, name: string): FakePull[];
  /** Closes a pull request without merging, as a maintainer would in the web UI. */
  closePull(owner: string, name: string, number: number): void;
  /** Merges a pull request as the web UI does (`squash` or a merge commit); the head branch is kept unless `deleteBranch`. */
  mergePull(owner: string, name: string, number: number, method: 'squash' | 'merge', deleteBranch?: boolean): string;
  /** Renames a branch as the web UI does: open pull requests based on it are retargeted to the new name. */
  renameBranch(owner: string, name: string, from: string, to: string): void;
  /** How many times an operation was called. */
  count(operation: string): number;
  close(): Promise<void>;
}

/** Where a fake outside a test (a benchmark) keeps its repositories; it then closes only when told to. */
export interface FakeGitHubOptions {
  root?: string;
}

/**
 * Starts a fake GitHub on 127.0.0.1 (port 0); inside a test it is closed when the test finishes, outside one
 * (`options.root` given) the caller closes it.
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  // vitest is imported only inside a test: importing it anywhere else (a benchmark) throws.
  const root = join(options.root ?? (await import('../tmp.ts')).tempDir('detml-fake-github-'), 'repos');
  mkdirSync(root, { recursive: true });
  const spec = await loadGitHubSpec();
  const state = new FakeState();
  state.root = root;
  const faults: Fault[] = [];
  const calls: ApiCall[] = [];
  const gitCalls: GitCall[] = [];
  const violations: string[] = [];
  const urls = { web: '', api: '' };
  const api = createApi(spec, state, urls, faults, calls, violations, (jwt) => verifyJwt(state, jwt));
  const authorize = (token: string | undefined, write: boolean, repo: string) => {
    const t = token === undefined ? undefined : state.tokens.get(token);
    const contents = t && permissionsOn(t, repo).contents;
    return contents === 'write' || (!write && contents === 'read');
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      if (path.startsWith('/api/v3/')) {
        api.handle(req, res, body).catch((e: Error) => {
          violations.push(`fake crashed: ${e.stack}`);
          res.writeHead(500).end();
        });
      } else if (/^\/[^/]+\/[^/]+\.git\//.test(path)) serveGit(req, res, body, root, authorize, gitCalls);
      else res.writeHead(404).end('Not Found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  urls.web = `http://127.0.0.1:${port}`;
  urls.api = `${urls.web}/api/v3`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  server.keepAliveTimeout = 100;
  if (!options.root) {
    const { onTestFinished } = await import('vitest');
    onTestFinished(async () => {
      server.closeAllConnections();
      await close();
    });
  }

  return {
    url: urls.web,
    apiUrl: urls.api,
    state,
    faults,
    calls,
    gitCalls,
    violations,
    gitUrl: (owner, name) => `${urls.web}/${owner}/${name}.git`,
    addRepo: (owner, name, source, extra) => state.createRepo(owner, name, source, extra),
    addToken(token, permissions = ALL_WRITE, login = 'sync-bot', repos) {
      state.tokens.set(token, { login, permissions, ...(repos && { repos }) });
      state.users.add(login.toLowerCase());
    },
    addApp() {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      state.app = {
        id: 4242,
        installationId: 777,
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
      return {
        appId: 4242,
        installationId: 777,
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
    },
    pulls: (owner, name) => state.pulls.filter((p) => p.repo === `${owner}/${name}`),
    closePull(owner, name, number) {
      const p = state.pulls.find((x) => x.repo === `${owner}/${name}` && x.number === number);
      if (!p) throw new Error(`no PR #${number}`);
      Object.assign(p, { state: 'closed', closedAt: state.now() });
    },
    mergePull(owner, name, number, method, deleteBranch = false) {
      const p = state.pulls.find((x) => x.repo === `${owner}/${name}` && x.number === number);
      const repo = state.repo(owner, name);
      if (!p || !repo || p.state !== 'open') throw new Error(`no open PR #${number}`);
      const identity = {
        GIT_AUTHOR_NAME: 'Maintainer',
        GIT_AUTHOR_EMAIL: 'maintainer@example.com',
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
      };
      const git = (...args: string[]) =>
        execFileSync('git', args, { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, ...identity } }).trim();
      const [base, head] = [git('rev-parse', `refs/heads/${p.base}`), git('rev-parse', `refs/heads/${p.head}`)];
      const tree = git('merge-tree', '--write-tree', base, head).split('\n')[0] as string;
      const merged = git(
        'commit-tree',
        tree,
        '-p',
        base,
        ...(method === 'merge' ? ['-p', head] : []),
        '-m',
        `${p.title} (#${p.number})`,
      );
      git('update-ref', `refs/heads/${p.base}`, merged, base);
      if (deleteBranch) git('update-ref', '-d', `refs/heads/${p.head}`);
      const now = state.now();
      Object.assign(p, { state: 'closed', closedAt: now, mergedAt: now, lastHeadSha: head });
      return merged;
    },
    renameBranch(owner, name, from, to) {
      const repo = state.repo(owner, name);
      if (!repo) throw new Error(`no repository ${owner}/${name}`);
      execFileSync('git', ['branch', '-m', from, to], { cwd: repo.dir });
      if (repo.defaultBranch === from) {
        repo.defaultBranch = to;
        execFileSync('git', ['symbolic-ref', 'HEAD', `refs/heads/${to}`], { cwd: repo.dir });
      }
      for (const p of state.pullsOf(repo)) if (p.state === 'open' && p.base === from) p.base = to;
    },
    count: (operation) => calls.filter((c) => c.operation === operation).length,
    close: async () => {
      server.closeAllConnections();
      await close();
    },
  };
}

// An RS256 JWT signed by the registered app's key, issued by its id and not expired.
function verifyJwt(state: FakeState, jwt: string): boolean {
  const app = state.app;
  const [header, payload, signature] = jwt.split('.');
  if (!app || !header || !payload || !signature) return false;
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    app.publicKeyPem,
    Buffer.from(signature, 'base64url'),
  );
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    iss?: string | number;
    exp?: number;
    iat?: number;
  };
  const now = Date.now() / 1000;
  return ok && String(claims.iss) === String(app.id) && (claims.exp ?? 0) > now && (claims.iat ?? Infinity) <= now;
}
