// The fake GitHub REST API: routes with openapi-backend over GitHub's own OpenAPI description (extracted to
// tests/fixtures/github-openapi.json), validates every request and every response against it, checks the token's
// permissions, applies injected faults, and runs the handlers on real state.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend, type Request as OpenApiRequest } from 'openapi-backend';
import { ROOT } from '../paths.ts';
import { primaryRateLimit, takeFault, type Fault } from './faults.ts';
import { HANDLERS, type Reply } from './handlers.ts';
import { error, type Urls } from './objects.ts';
import { permissionsOn, type FakeRepo, type FakeState, type FakeToken, type Permissions } from './state.ts';

/** One API call as the fake saw it. */
export interface ApiCall {
  operation: string;
  method: string;
  path: string;
  status: number;
  body: unknown;
  /** When the request arrived (ms since the epoch), before any injected delay. */
  at: number;
}

/** What a handler gets: state, URLs, path/query parameters, the parsed body, the caller and the repository. */
export interface ApiContext {
  state: FakeState;
  urls: Urls;
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  token: FakeToken | undefined;
  /** The bearer token as sent, for the GitHub App endpoints that take a JWT. */
  bearer: string | undefined;
  repo: FakeRepo | undefined;
  verifyJwt: (jwt: string) => boolean;
}

// The permission each operation needs, as GitHub's fine-grained token docs list it.
const NEEDS: Record<string, [keyof Permissions, 'read' | 'write'] | undefined> = {
  'repos/get': ['metadata', 'read'],
  'pulls/list': ['pull_requests', 'read'],
  'pulls/create': ['pull_requests', 'write'],
  'pulls/update': ['pull_requests', 'write'],
  'issues/get-label': ['issues', 'read'],
  'issues/create-label': ['issues', 'write'],
  'issues/add-labels': ['issues', 'write'],
  'issues/remove-label': ['issues', 'write'],
  'issues/list-comments': ['issues', 'read'],
  'issues/create-comment': ['issues', 'write'],
  'repos/list-for-org': ['metadata', 'read'],
  'repos/get-content': ['contents', 'read'],
  'repos/create-fork': ['contents', 'read'],
};

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: unknown) => void;

let loaded: Promise<OpenAPIBackend> | undefined;

/**
 * Loads the extracted description into openapi-backend (quick mode, formats on, GitHub's `repo.nwo` format added),
 * once per test worker: ajv compiles each operation's validators on first use and keeps them.
 */
export function loadGitHubSpec(): Promise<OpenAPIBackend> {
  loaded ??= initSpec();
  return loaded;
}

async function initSpec(): Promise<OpenAPIBackend> {
  const definition = typelessNullable(JSON.parse(readFileSync(`${ROOT}/tests/fixtures/github-openapi.json`, 'utf8')));
  const api = new OpenAPIBackend({
    definition,
    quick: true,
    apiRoot: '/api/v3',
    customizeAjv: (ajv) => {
      addFormats(ajv);
      ajv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/);
      return ajv;
    },
  });
  await api.init();
  return api;
}

/** The fake's API side, bound to one state. */
export interface ApiServer {
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void>;
}

/** Creates the request handler; violations of GitHub's description are pushed to `violations`, calls to `calls`. */
export function createApi(
  spec: OpenAPIBackend,
  state: FakeState,
  urls: Urls,
  faults: Fault[],
  calls: ApiCall[],
  violations: string[],
  verifyJwt: (jwt: string) => boolean,
): ApiServer {
  return {
    async handle(req, res, raw) {
      const url = new URL(req.url ?? '/', 'http://fake');
      const at = Date.now();
      const send = (operation: string, reply: Reply) => {
        calls.push({
          operation,
          method: req.method ?? '',
          path: url.pathname,
          status: reply.status,
          body: reply.body,
          at,
        });
        res.writeHead(reply.status, {
          'content-type': 'application/json; charset=utf-8',
          'x-github-media-type': 'github.v3',
          ...reply.headers,
        });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      };
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        return send('?', { status: 400, body: error('Problems parsing JSON') });
      }
      const request: OpenApiRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        headers: req.headers as Record<string, string>,
        query: Object.fromEntries(url.searchParams),
        body,
      };
      const operation = spec.matchOperation(request);
      if (!operation) return send('?', { status: 404, body: error('Not Found') });
      const id = operation.operationId as string;
      const checked = spec.validateRequest(request, operation);
      if (!checked.valid) {
        violations.push(`request ${id}: ${JSON.stringify(checked.errors)}`);
        return send(id, {
          status: 422,
          body: error(
            'Invalid request.\n\n' + (checked.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n'),
          ),
        });
      }
      const limit = state.rateLimit;
      if (limit && at < limit.until) return send(id, { status: 403, body: limit.body, headers: limit.headers });
      const fault = takeFault(faults, id);
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.disconnect) {
        calls.push({ operation: id, method: req.method ?? '', path: url.pathname, status: 0, body: undefined, at });
        return void req.socket.destroy();
      }
      if (fault?.window) {
        const { headers, body: limitBody } = primaryRateLimit(id, fault.window);
        state.rateLimit = {
          until: Number(headers?.['x-ratelimit-reset']) * 1000,
          headers: headers ?? {},
          body: limitBody,
        };
        return send(id, { status: 403, body: limitBody, headers: headers ?? {} });
      }
      if (fault?.status)
        return send(id, {
          status: fault.status,
          body: fault.body ?? error('Server Error'),
          headers: fault.headers ?? {},
        });

      const params = Object.fromEntries(
        Object.entries(spec.router.parseRequest(request, operation).params ?? {}).map(([k, v]) => [
          k,
          decodeURIComponent(String(v)),
        ]),
      );
      const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = auth ? state.tokens.get(auth) : undefined;
      const isApp = id.startsWith('apps/');
      if (!isApp && !token) return send(id, { status: 401, body: error('Bad credentials') });
      const repo = params.owner ? state.repo(params.owner, params.repo ?? '') : undefined;
      if (params.owner && !repo) return send(id, { status: 404, body: error('Not Found') });
      const need = NEEDS[id];
      if (
        need &&
        token &&
        !allows(repo ? permissionsOn(token, `${repo.owner}/${repo.name}`) : token.permissions, need)
      ) {
        const accepted = `${need[0]}=${need[1]}`;
        return send(id, {
          status: 403,
          body: error(`Resource not accessible by personal access token`),
          headers: { 'x-accepted-github-permissions': accepted },
        });
      }
      const tooLong = bodyTooLong(id, body);
      if (tooLong) return send(id, tooLong);
      const handler = HANDLERS[id];
      if (!handler) return send(id, { status: 500, body: error(`fake GitHub has no handler for ${id}`) });
      const reply = handler({
        state,
        urls,
        params,
        query: request.query as Record<string, string>,
        body,
        token,
        bearer: auth,
        repo,
        verifyJwt,
      });
      const valid = spec.validateResponse(reply.body, operation, reply.status);
      if (!valid.valid) {
        violations.push(`response ${id} ${reply.status}: ${JSON.stringify(valid.errors).slice(0, 2000)}`);
        return send(id, { status: 500, body: error('fake GitHub built an invalid response') });
      }
      if (fault?.loseResponse) {
        calls.push({ operation: id, method: req.method ?? '', path: url.pathname, status: 0, body: reply.body, at });
        return void req.socket.destroy();
      }
      send(id, reply);
    },
  };
}

// GitHub refuses a pull request, issue or comment body over 65,536 characters (counted as Unicode characters) with
// a 422 naming the field, as api.github.com answers.
const BODY_LIMIT = 65_536;
const HAS_BODY = new Set(['pulls/create', 'pulls/update', 'issues/create-comment', 'issues/update-comment']);
function bodyTooLong(operation: string, body: unknown): Reply | undefined {
  const text = (body as { body?: unknown } | undefined)?.body;
  if (!HAS_BODY.has(operation) || typeof text !== 'string' || [...text].length <= BODY_LIMIT) return undefined;
  const resource = operation.startsWith('pulls/') ? 'PullRequest' : 'IssueComment';
  return {
    status: 422,
    body: error('Validation Failed', {
      errors: [
        { resource, code: 'custom', field: 'body', message: `body is too long (maximum is ${BODY_LIMIT} characters)` },
      ],
    }),
  };
}

// GitHub's description has `nullable: true` next to `anyOf` without `type` (e.g. installation.account), which ajv
// rejects ("nullable cannot be used without type"); the JSON-Schema equivalent is one more branch allowing null.
function typelessNullable(node: any): any {
  if (Array.isArray(node)) return node.map(typelessNullable);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, typelessNullable(s)]))
        : typelessNullable(v),
    ]),
  );
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function allows(p: Permissions, [name, level]: [keyof Permissions, 'read' | 'write']): boolean {
  if (name === 'metadata') return true;
  // Labels and comments on pull requests are allowed with either issues or pull_requests access.
  const have = name === 'issues' ? [p.issues, p.pull_requests] : [p[name]];
  return have.some((h) => h === 'write' || (level === 'read' && h === 'read'));
}
