// Handlers of the operations fleet sync adds: listing an organisation's (or an App installation's) repositories,
// reading a file's contents, looking up an account, and forking.
import { execFileSync } from 'node:child_process';
import type { ApiContext } from './api.ts';
import type { Reply } from './handlers.ts';
import { error, repository, user } from './objects.ts';
import { permissionsOn, type FakeRepo } from './state.ts';

type Handler = (c: ApiContext) => Reply;

/**
 * One page of `items` with GitHub's Link header (`next`, `last`, `first`, `prev`), from the `page` and `per_page`
 * query parameters (default 30, at most 100, as GitHub); the links keep the request's other query parameters.
 */
export function paginate<T>(c: ApiContext, path: string, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(c.query.per_page ?? 30), 100);
  const page = Number(c.query.page ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams({ ...c.query, per_page: String(perPage), page: String(n) });
    return `<${c.urls.api}${path}?${query}>; rel="${rel}"`;
  };
  const links = [
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
  ];
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

// A `public-user`: GET /users/{username} answers this for users and organisations alike, with `type` telling them apart.
function publicUser(u: ApiContext['urls'], login: string, type: 'User' | 'Organization'): Record<string, unknown> {
  return {
    ...user(u, login, 100),
    type,
    user_view_type: 'public',
    name: null,
    company: null,
    blog: null,
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

// The repository JSON as the caller sees it: push access from its token, and the parent of a fork.
function repoJson(c: ApiContext, r: FakeRepo): Record<string, unknown> {
  const push = !c.token || permissionsOn(c.token, `${r.owner}/${r.name}`).contents === 'write';
  return repository(c.urls, r, {
    push,
    parent: r.parent ? c.state.repo(...(r.parent.split('/') as [string, string])) : undefined,
  });
}

/** Every fleet operation the fake implements. */
export const FLEET_HANDLERS: Record<string, Handler> = {
  'repos/list-for-org': (c) => {
    const org = String(c.params.org).toLowerCase();
    const repos = [...c.state.repos.values()].filter((r) => r.owner.toLowerCase() === org);
    if (repos.length === 0 || c.state.users.has(org)) return { status: 404, body: error('Not Found') };
    const { page, headers } = paginate(c, `/orgs/${c.params.org}/repos`, repos);
    return { status: 200, body: page.map((r) => repoJson(c, r)), headers };
  },

  'repos/get-content': (c) => {
    const repo = c.repo as FakeRepo;
    const ref = c.query.ref ?? repo.defaultBranch;
    const path = String(c.params.path);
    let content: Buffer;
    try {
      content = execFileSync('git', ['show', `${ref}:${path}`], { cwd: repo.dir, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return { status: 404, body: error('Not Found') };
    }
    const sha = execFileSync('git', ['rev-parse', `${ref}:${path}`], { cwd: repo.dir, encoding: 'utf8' }).trim();
    const api = `${c.urls.api}/repos/${repo.owner}/${repo.name}/contents/${path}?ref=${ref}`;
    const html = `${c.urls.web}/${repo.owner}/${repo.name}/blob/${ref}/${path}`;
    const git = `${c.urls.api}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`;
    const body = {
      type: 'file',
      encoding: 'base64',
      size: content.length,
      name: path.split('/').pop(),
      path,
      sha,
      url: api,
      git_url: git,
      html_url: html,
      download_url: `${c.urls.web}/${repo.owner}/${repo.name}/raw/${ref}/${path}`,
      content: content.toString('base64').replace(/(.{60})/g, '$1\n'),
      _links: { self: api, git, html },
    };
    return { status: 200, body };
  },

  'repos/create-fork': (c) => {
    const repo = c.repo as FakeRepo;
    const owner = String(c.body?.organization ?? c.token?.login ?? 'ghost');
    // Forking again returns the existing fork, as GitHub does.
    const existing = c.state.forkOf(repo, owner);
    if (existing) return { status: 202, body: repoJson(c, existing) };
    let name = String(c.body?.name ?? repo.name);
    for (let n = 1; c.state.repo(owner, name); n++) name = `${c.body?.name ?? repo.name}-${n}`;
    const fork = c.state.createRepo(owner, name, repo.dir, { parent: `${repo.owner}/${repo.name}` });
    // The fork belongs to the caller, who may push to it.
    if (c.token)
      c.token.repos = {
        ...c.token.repos,
        [`${owner}/${name}`.toLowerCase()]: {
          contents: 'write',
          pull_requests: 'write',
          issues: 'write',
          metadata: 'read',
        },
      };
    return { status: 202, body: repoJson(c, fork) };
  },

  'apps/list-repos-accessible-to-installation': (c) => {
    if (!c.token?.installation)
      return { status: 403, body: error('This endpoint requires an installation access token') };
    const repos = [...c.state.repos.values()].filter((r) => !r.parent);
    const { page, headers } = paginate(c, '/installation/repositories', repos);
    return {
      status: 200,
      body: { total_count: repos.length, repositories: page.map((r) => repoJson(c, r)), repository_selection: 'all' },
      headers,
    };
  },

  'users/get-by-username': (c) => {
    const login = String(c.params.username);
    const isUser = c.state.users.has(login.toLowerCase());
    const owns = [...c.state.repos.values()].find((r) => r.owner.toLowerCase() === login.toLowerCase());
    if (!isUser && !owns && !c.state.orgs.has(login.toLowerCase())) return { status: 404, body: error('Not Found') };
    const name = owns?.owner ?? login;
    return { status: 200, body: publicUser(c.urls, name, isUser ? 'User' : 'Organization') };
  },
};
