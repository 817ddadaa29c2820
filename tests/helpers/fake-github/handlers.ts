// Handlers of the fake GitHub's REST operations, keyed by operationId; each returns the status and JSON GitHub would.
import { randomBytes } from 'node:crypto';
import type { ApiContext } from './api.ts';
import { comment, error, installation, label, pull, repository } from './objects.ts';
import { FLEET_HANDLERS, paginate } from './handlers-fleet.ts';
import { permissionsOn, type FakePull, type FakeRepo } from './state.ts';

/** A handler's answer. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (c: ApiContext) => Reply;

const validation = (errors: Record<string, unknown>[], message = 'Validation Failed'): Reply => ({
  status: 422,
  body: error(message, { errors }),
});

/** The JSON of a pull request with its head and base read from the bare repository now. */
export function pullJson(c: ApiContext, p: FakePull, simple: boolean): Record<string, unknown> {
  const repo = c.repo as FakeRepo;
  const headRepo = c.state.headRepo(repo, p);
  p.lastHeadSha = c.state.branchSha(headRepo, p.head) ?? p.lastHeadSha;
  return pull(c.urls, repo, p, { head: p.lastHeadSha, base: c.state.branchSha(repo, p.base) ?? '' }, simple, headRepo);
}

function findPull(c: ApiContext, key: string): FakePull | undefined {
  return c.state.pullsOf(c.repo as FakeRepo).find((p) => p.number === Number(c.params[key]));
}

/** Every operation the fake implements. */
export const HANDLERS: Record<string, Handler> = {
  'repos/get': (c) => {
    const repo = c.repo as FakeRepo;
    const push = !c.token || permissionsOn(c.token, `${repo.owner}/${repo.name}`).contents === 'write';
    return {
      status: 200,
      body: repository(c.urls, repo, {
        push,
        parent: repo.parent ? c.state.repo(...(repo.parent.split('/') as [string, string])) : undefined,
      }),
    };
  },

  'pulls/list': (c) => {
    const repo = c.repo as FakeRepo;
    const state = c.query.state ?? 'open';
    const head = c.query.head?.includes(':') ? c.query.head.split(':') : undefined;
    const found = c.state
      .pullsOf(repo)
      .filter(
        (p) =>
          (state === 'all' || p.state === state) &&
          (!head || (head[0]?.toLowerCase() === (p.headOwner ?? repo.owner).toLowerCase() && head[1] === p.head)) &&
          (!c.query.base || c.query.base === p.base),
      );
    const sorted = c.query.direction === 'asc' ? found : [...found].reverse();
    const { page, headers } = paginate(c, `/repos/${repo.owner}/${repo.name}/pulls`, sorted);
    return { status: 200, body: page.map((p) => pullJson(c, p, true)), headers };
  },

  'pulls/create': (c) => {
    const repo = c.repo as FakeRepo;
    // `head` is a branch here, or `owner:branch` where owner may own a fork of this repository.
    const [owner, head] = String(c.body.head).includes(':')
      ? (String(c.body.head).split(':') as [string, string])
      : [repo.owner, String(c.body.head)];
    const headOwner = owner.toLowerCase() === repo.owner.toLowerCase() ? undefined : owner;
    const headRepo = headOwner ? c.state.forkOf(repo, headOwner) : repo;
    const base = String(c.body.base);
    const headSha = headRepo && c.state.branchSha(headRepo, head);
    const baseSha = c.state.branchSha(repo, base);
    if (!headSha) return validation([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (!baseSha) return validation([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (
      c.state
        .pullsOf(repo)
        .some(
          (p) =>
            p.state === 'open' &&
            p.head === head &&
            p.base === base &&
            p.headOwner?.toLowerCase() === headOwner?.toLowerCase(),
        )
    ) {
      return validation([
        { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` },
      ]);
    }
    if (c.state.isAncestor(headRepo as FakeRepo, headSha, baseSha))
      return validation([
        { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
      ]);
    // GitHub refuses "allow edits by maintainers" on a fork that an organisation owns.
    if (headOwner && c.body.maintainer_can_modify && !c.state.users.has(headOwner.toLowerCase())) {
      return validation([
        {
          resource: 'PullRequest',
          field: 'fork_collab',
          code: 'custom',
          message: "Fork collab can't be granted by organizations",
        },
      ]);
    }
    const now = c.state.now();
    const p: FakePull = {
      id: c.state.nextId(),
      repo: `${repo.owner}/${repo.name}`,
      number: c.state.pulls.length + 1,
      head,
      base,
      title: c.body.title ?? '',
      body: c.body.body ?? '',
      state: 'open',
      draft: c.body.draft ?? false,
      author: c.token?.login ?? 'ghost',
      labels: [],
      comments: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      maintainerCanModify: c.body.maintainer_can_modify ?? true,
      lastHeadSha: headSha,
      ...(headOwner && { headOwner }),
    };
    c.state.pulls.push(p);
    return {
      status: 201,
      body: pullJson(c, p, false),
      headers: { location: `${c.urls.api}/repos/${repo.owner}/${repo.name}/pulls/${p.number}` },
    };
  },

  'pulls/update': (c) => {
    const p = findPull(c, 'pull_number');
    if (!p) return { status: 404, body: error('Not Found') };
    if (c.body.state === 'open' && p.state === 'closed' && !c.state.branchSha(c.repo as FakeRepo, p.head))
      return validation([
        { resource: 'PullRequest', code: 'custom', message: 'state cannot be changed. The head branch was deleted.' },
      ]);
    Object.assign(p, {
      ...(c.body.title !== undefined && { title: c.body.title }),
      ...(c.body.body !== undefined && { body: c.body.body }),
      ...(c.body.base !== undefined && { base: c.body.base }),
      updatedAt: c.state.now(),
    });
    if (c.body.state && c.body.state !== p.state)
      Object.assign(p, { state: c.body.state, closedAt: c.body.state === 'closed' ? c.state.now() : null });
    return { status: 200, body: pullJson(c, p, false) };
  },

  'issues/get-label': (c) => {
    const l = (c.repo as FakeRepo).labels.get(c.params.name ?? '');
    return l ? { status: 200, body: label(c.urls, c.repo as FakeRepo, l) } : { status: 404, body: error('Not Found') };
  },

  'issues/create-label': (c) => {
    const repo = c.repo as FakeRepo;
    if (repo.labels.has(c.body.name)) return validation([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    const l = {
      id: c.state.nextId(),
      name: String(c.body.name),
      color: String(c.body.color ?? 'ededed').replace(/^#/, ''),
      description: c.body.description ?? null,
    };
    repo.labels.set(l.name, l);
    return { status: 201, body: label(c.urls, repo, l) };
  },

  'issues/add-labels': (c) => {
    const repo = c.repo as FakeRepo;
    const p = findPull(c, 'issue_number');
    if (!p) return { status: 404, body: error('Not Found') };
    const given: unknown[] = Array.isArray(c.body) ? c.body : (c.body?.labels ?? []);
    for (const raw of given) {
      const name = typeof raw === 'string' ? raw : String((raw as { name: string }).name);
      // Like GitHub, adding a label that does not exist creates it.
      if (!repo.labels.has(name))
        repo.labels.set(name, { id: c.state.nextId(), name, color: 'ededed', description: null });
      if (!p.labels.includes(name)) p.labels.push(name);
    }
    return { status: 200, body: p.labels.map((n) => label(c.urls, repo, repo.labels.get(n)!)) };
  },

  'issues/remove-label': (c) => {
    const repo = c.repo as FakeRepo;
    const p = findPull(c, 'issue_number');
    if (!p || !p.labels.includes(c.params.name ?? '')) return { status: 404, body: error('Label does not exist') };
    p.labels = p.labels.filter((n) => n !== c.params.name);
    return { status: 200, body: p.labels.map((n) => label(c.urls, repo, repo.labels.get(n)!)) };
  },

  'issues/list-comments': (c) => {
    const p = findPull(c, 'issue_number');
    if (!p) return { status: 404, body: error('Not Found') };
    const repo = c.repo as FakeRepo;
    const { page, headers } = paginate(c, `/repos/${repo.owner}/${repo.name}/issues/${p.number}/comments`, p.comments);
    return { status: 200, body: page.map((x) => comment(c.urls, repo, p.number, x)), headers };
  },

  'issues/create-comment': (c) => {
    const p = findPull(c, 'issue_number');
    if (!p) return { status: 404, body: error('Not Found') };
    const x = {
      id: c.state.nextId(),
      body: String(c.body.body),
      author: c.token?.login ?? 'ghost',
      createdAt: c.state.now(),
    };
    p.comments.push(x);
    return { status: 201, body: comment(c.urls, c.repo as FakeRepo, p.number, x) };
  },

  'apps/get-repo-installation': (c) => {
    const app = c.state.app;
    if (!app || !c.bearer || !c.verifyJwt(c.bearer))
      return { status: 401, body: error('A JSON web token could not be decoded') };
    return { status: 200, body: installation(c.urls, app.installationId, app.id, (c.repo as FakeRepo).owner) };
  },

  'apps/create-installation-access-token': (c) => {
    const app = c.state.app;
    if (!app || !c.bearer || !c.verifyJwt(c.bearer))
      return { status: 401, body: error('A JSON web token could not be decoded') };
    if (Number(c.params.installation_id) !== app.installationId) return { status: 404, body: error('Not Found') };
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const permissions = c.body?.permissions ?? {
      contents: 'write',
      pull_requests: 'write',
      issues: 'write',
      metadata: 'read',
    };
    c.state.tokens.set(token, { login: 'detml-sync-app[bot]', permissions, installation: true });
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions,
        repository_selection: 'selected',
      },
    };
  },

  ...FLEET_HANDLERS,
};
