// A small fetch-based GitHub REST transport for the fleet's own calls (listing, contents, forks), so octokit stays
// confined to sync/github.ts. It shares the PR flow's retry policy, rate-limit gate and error messages.
import { GENERATOR_NAME, GENERATOR_VERSION } from '../../src/version.ts';
import { explainGitHubError, type GitHubStep } from '../pr-errors.ts';
import { retryDecision, type HttpFailure, type RetryPolicy } from '../pr-retry.ts';
import { RateLimitedError } from './limiter.ts';

/** Where and how the fleet talks to the API. */
export interface RestConnection {
  apiUrl: string;
  token: string;
  retry: RetryPolicy;
}

/** One request: method, path below the API root, query, JSON body, statuses that are answers rather than errors. */
export interface RestRequest {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Statuses returned to the caller instead of thrown (e.g. 404 for "no such file"). */
  accept?: number[];
  step: GitHubStep;
  /** `owner/name` (or the org) for error messages. */
  where: string;
}

/** A decoded answer. */
export interface RestResponse<T> {
  status: number;
  data: T;
  /** The URL of the next page from the Link header, if any. */
  next: string | undefined;
}

/** The transport: single requests, and every page of a list. */
export interface Rest {
  request<T>(r: RestRequest): Promise<RestResponse<T>>;
  /** Follows Link rel="next" from the first page; `items` picks the array out of each page's body. */
  all<T>(r: RestRequest, items: (data: unknown) => T[]): Promise<T[]>;
}

/** A transport bound to one API URL and token; the token never appears in an error or log line. */
export function restClient(c: RestConnection): Rest {
  const root = c.apiUrl.replace(/\/+$/, '');
  const url = (r: RestRequest) => {
    const u = new URL(`${root}${r.path}`);
    for (const [k, v] of Object.entries(r.query ?? {})) u.searchParams.set(k, String(v));
    return u.toString();
  };
  const request = async <T>(r: RestRequest, at = url(r)): Promise<RestResponse<T>> => {
    for (let attempt = 0; ; attempt++) {
      const failure = await send<T>(c, r, at);
      if ('data' in failure) return failure;
      c.retry.gate?.failed(failure, Date.now());
      const decision = retryDecision(failure, attempt, c.retry, Date.now());
      if (!decision.retry) throw explainGitHubError(failure, r.step, { repo: r.where, apiUrl: root }, [c.token]);
      await new Promise((resolve) => setTimeout(resolve, decision.waitMs));
    }
  };
  return {
    request,
    async all<T>(r: RestRequest, items: (data: unknown) => T[]) {
      const out: T[] = [];
      for (let at: string | undefined = url(r); at; ) {
        const page: RestResponse<unknown> = await request<unknown>(r, at);
        out.push(...items(page.data));
        // Only follow links on the same API server: the token goes nowhere else.
        at = page.next && new URL(page.next).origin === new URL(root).origin ? page.next : undefined;
      }
      return out;
    },
  };
}

// One attempt: the decoded answer, or the failure the retry policy decides on.
async function send<T>(c: RestConnection, r: RestRequest, at: string): Promise<RestResponse<T> | HttpFailure> {
  try {
    await c.retry.gate?.ready();
    const response = await fetch(at, {
      method: r.method ?? 'GET',
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${c.token}`,
        'user-agent': `${GENERATOR_NAME}/${GENERATOR_VERSION}`,
        'x-github-api-version': '2022-11-28',
        ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: r.body === undefined ? null : JSON.stringify(r.body),
      signal: AbortSignal.timeout(c.retry.timeoutMs),
    });
    const text = await response.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (a proxy's error page): keep the text for the message
    }
    if (response.ok || (r.accept ?? []).includes(response.status)) return { status: response.status, data: data as T, next: nextLink(response.headers.get('link')) };
    return { status: response.status, headers: Object.fromEntries(response.headers), message: messageOf(data, response.statusText) };
  } catch (error) {
    if (error instanceof RateLimitedError) return error.failure;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: undefined, headers: {}, message: [(error as Error).message, cause].filter(Boolean).join(': ') };
  }
}

// GitHub's error JSON: a message plus optional per-field errors.
function messageOf(data: unknown, fallback: string): string {
  if (typeof data === 'string') return data.slice(0, 200) || fallback;
  const d = data as { message?: string; errors?: ({ message?: string; field?: string; code?: string } | string)[] } | undefined;
  const details = (d?.errors ?? []).map((e) => (typeof e === 'string' ? e : e.message ?? [e.field, e.code].filter(Boolean).join(' '))).filter(Boolean);
  return [d?.message ?? fallback, ...details].join('; ');
}

/** The rel="next" URL of a Link header (RFC 8288, as GitHub paginates). */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match?.[2]?.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}
