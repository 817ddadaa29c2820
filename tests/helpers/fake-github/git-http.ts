// Real git smart HTTP for the fake GitHub: git's own git-http-backend run as CGI behind node:http, with GitHub's
// authentication (Basic auth whose password is the token, e.g. `x-access-token:<token>`); 401 otherwise.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

const BACKEND = '/usr/lib/git-core/git-http-backend';

/** Decides whether a token may read (fetch) or write (push) `owner/name`; undefined token means no credentials were sent. */
export type GitAuthorizer = (token: string | undefined, write: boolean, repo: string) => boolean;

/** One git HTTP request as the fake saw it: whether credentials came and whether it was allowed. */
export interface GitCall {
  path: string;
  write: boolean;
  authorized: boolean;
}

/** Serves one smart-HTTP request for the bare repositories under `root`. */
export function serveGit(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  root: string,
  authorize: GitAuthorizer,
  calls: GitCall[],
): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  const write = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
  const token = basicPassword(req.headers.authorization);
  const [, owner = '', name = ''] = /^\/([^/]+)\/([^/]+?)\.git\//.exec(url.pathname) ?? [];
  const authorized = authorize(token, write, `${owner}/${name}`);
  calls.push({ path: url.pathname, write, authorized });
  if (!authorized) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
    res.end(
      token === undefined
        ? 'Authentication required\n'
        : 'Invalid username or token. Password authentication is not supported for Git operations.\n',
    );
    return;
  }
  const child = spawn(BACKEND, [], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: String(body.length),
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', () => {});
  child.stdin.on('error', () => {});
  child.stdin.end(body);
  child.on('close', () => {
    const all = Buffer.concat(out);
    const split = all.indexOf('\r\n\r\n');
    const [head, rest] = split >= 0 ? [all.subarray(0, split).toString('latin1'), all.subarray(split + 4)] : ['', all];
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.split('\r\n').filter(Boolean)) {
      const [name, ...value] = line.split(':');
      if (name?.toLowerCase() === 'status') status = Number.parseInt(value.join(':').trim(), 10);
      else if (name) headers[name] = value.join(':').trim();
    }
    res.writeHead(status, headers);
    res.end(rest);
  });
}

// The password of a Basic Authorization header (any scheme case, as git's http.extraHeader may send it).
function basicPassword(header: string | undefined): string | undefined {
  const encoded = /^basic\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
