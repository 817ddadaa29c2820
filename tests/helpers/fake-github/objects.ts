// JSON builders for the fake GitHub's responses, shaped like api.github.com's; the fake validates each one against
// GitHub's OpenAPI description before sending, so a missing or mistyped field fails the test that caused it.
import type { FakeComment, FakeLabel, FakePull, FakeRepo } from './state.ts';

/** Server URLs: the web root (html_url, git) and the REST root. */
export interface Urls {
  web: string;
  api: string;
}

const EPOCH = '2026-01-01T00:00:00Z';

/** GitHub's error body: a message and a documentation link. */
export function error(message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { message, documentation_url: 'https://docs.github.com/rest', ...extra };
}

/** A `simple-user`. */
export function user(u: Urls, login: string, id = 1): Record<string, unknown> {
  const path = encodeURIComponent(login);
  const api = `${u.api}/users/${path}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `${u.web}/avatars/${path}`,
    gravatar_id: '',
    url: api,
    html_url: `${u.web}/${path}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

/** What a repository's JSON says beyond the repository itself: the caller's push access and, for a fork, its parent. */
export interface RepoExtras {
  push?: boolean;
  parent?: FakeRepo | undefined;
}

/** A `full-repository` (also valid as the `repository` inside a PR's head and base, and as a `minimal-repository`). */
export function repository(u: Urls, r: FakeRepo, extras: RepoExtras = {}): Record<string, unknown> {
  const api = `${u.api}/repos/${r.owner}/${r.name}`;
  const tpl = (name: string, suffix = '') => `${api}/${name}${suffix}`;
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: user(u, r.owner, 100),
    private: false,
    html_url: `${u.web}/${r.owner}/${r.name}`,
    description: null,
    fork: Boolean(r.parent),
    url: api,
    archive_url: tpl('{archive_format}{/ref}'),
    assignees_url: tpl('assignees', '{/user}'),
    blobs_url: tpl('git/blobs', '{/sha}'),
    branches_url: tpl('branches', '{/branch}'),
    collaborators_url: tpl('collaborators', '{/collaborator}'),
    comments_url: tpl('comments', '{/number}'),
    commits_url: tpl('commits', '{/sha}'),
    compare_url: tpl('compare/{base}...{head}'),
    contents_url: tpl('contents/{+path}'),
    contributors_url: tpl('contributors'),
    deployments_url: tpl('deployments'),
    downloads_url: tpl('downloads'),
    events_url: tpl('events'),
    forks_url: tpl('forks'),
    git_commits_url: tpl('git/commits', '{/sha}'),
    git_refs_url: tpl('git/refs', '{/sha}'),
    git_tags_url: tpl('git/tags', '{/sha}'),
    git_url: `git:${u.web.replace(/^https?:/, '')}/${r.owner}/${r.name}.git`,
    issue_comment_url: tpl('issues/comments', '{/number}'),
    issue_events_url: tpl('issues/events', '{/number}'),
    issues_url: tpl('issues', '{/number}'),
    keys_url: tpl('keys', '{/key_id}'),
    labels_url: tpl('labels', '{/name}'),
    languages_url: tpl('languages'),
    merges_url: tpl('merges'),
    milestones_url: tpl('milestones', '{/number}'),
    notifications_url: tpl('notifications{?since,all,participating}'),
    pulls_url: tpl('pulls', '{/number}'),
    releases_url: tpl('releases', '{/id}'),
    ssh_url: `git@127.0.0.1:${r.owner}/${r.name}.git`,
    stargazers_url: tpl('stargazers'),
    statuses_url: tpl('statuses/{sha}'),
    subscribers_url: tpl('subscribers'),
    subscription_url: tpl('subscription'),
    tags_url: tpl('tags'),
    teams_url: tpl('teams'),
    trees_url: tpl('git/trees', '{/sha}'),
    clone_url: `${u.web}/${r.owner}/${r.name}.git`,
    mirror_url: null,
    hooks_url: tpl('hooks'),
    svn_url: `${u.web}/${r.owner}/${r.name}`,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1,
    default_branch: r.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: r.archived ?? false,
    disabled: false,
    license: null,
    pushed_at: EPOCH,
    created_at: EPOCH,
    updated_at: EPOCH,
    network_count: 0,
    subscribers_count: 0,
    permissions: { admin: false, maintain: false, push: extras.push ?? true, triage: true, pull: true },
    ...(extras.parent && { parent: repository(u, extras.parent), source: repository(u, extras.parent) }),
  };
}

/** A `label`. */
export function label(u: Urls, r: FakeRepo, l: FakeLabel): Record<string, unknown> {
  return {
    id: l.id,
    node_id: `LA_${l.id}`,
    url: `${u.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    description: l.description,
    color: l.color,
    default: false,
  };
}

/** A `pull-request` (`simple` drops the fields `pull-request-simple` does not have). */
export function pull(
  u: Urls,
  r: FakeRepo,
  p: FakePull,
  shas: { head: string; base: string },
  simple = false,
  headRepo: FakeRepo = r,
): Record<string, unknown> {
  const api = `${u.api}/repos/${r.owner}/${r.name}`;
  const html = `${u.web}/${r.owner}/${r.name}/pull/${p.number}`;
  const side = (ref: string, sha: string, at: FakeRepo = r) => ({
    label: `${at.owner}:${ref}`,
    ref,
    sha,
    repo: repository(u, at),
    user: user(u, at.owner, 100),
  });
  const link = (href: string) => ({ href });
  const full = {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: `PR_${p.id}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${shas.head}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: user(u, p.author, 7),
    body: p.body,
    labels: p.labels.map((name) =>
      label(u, r, r.labels.get(name) ?? { id: 0, name, color: 'ededed', description: null }),
    ),
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head, shas.head, headRepo),
    base: side(p.base, shas.base),
    _links: {
      self: link(`${api}/pulls/${p.number}`),
      html: link(html),
      issue: link(`${api}/issues/${p.number}`),
      comments: link(`${api}/issues/${p.number}/comments`),
      review_comments: link(`${api}/pulls/${p.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${p.number}/commits`),
      statuses: link(`${api}/statuses/${shas.head}`),
    },
    author_association: 'NONE',
    auto_merge: null,
    draft: p.draft,
  };
  if (simple) return full;
  return {
    ...full,
    merged: p.mergedAt !== null,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: p.comments.length,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  };
}

/** An `issue-comment`. */
export function comment(u: Urls, r: FakeRepo, issue: number, c: FakeComment): Record<string, unknown> {
  const api = `${u.api}/repos/${r.owner}/${r.name}`;
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${api}/issues/comments/${c.id}`,
    body: c.body,
    html_url: `${u.web}/${r.owner}/${r.name}/pull/${issue}#issuecomment-${c.id}`,
    user: user(u, c.author, 7),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    issue_url: `${api}/issues/${issue}`,
    author_association: 'NONE',
  };
}

/** An `installation` of the fake app on its owner. */
export function installation(u: Urls, id: number, appId: number, owner: string): Record<string, unknown> {
  return {
    id,
    app_id: appId,
    app_slug: 'detml-sync-app',
    target_id: 100,
    target_type: 'Organization',
    single_file_name: null,
    repository_selection: 'all',
    access_tokens_url: `${u.api}/app/installations/${id}/access_tokens`,
    html_url: `${u.web}/organizations/${owner}/settings/installations/${id}`,
    repositories_url: `${u.api}/installation/repositories`,
    events: [],
    account: user(u, owner, 100),
    permissions: { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
    created_at: EPOCH,
    updated_at: EPOCH,
    suspended_by: null,
    suspended_at: null,
  };
}
