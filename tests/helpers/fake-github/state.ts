// The fake GitHub's in-memory state: repositories backed by real bare git repositories, tokens with permissions,
// pull requests, labels and comments. Refs are never cached: they are read from the bare repository with git.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A repository: a bare git repository on disk plus its labels. */
export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  dir: string;
  labels: Map<string, FakeLabel>;
  /** For a fork: the full name (`owner/name`) of the repository it was forked from. */
  parent?: string;
  archived?: boolean;
}

/** A label of a repository. */
export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/** A comment on a pull request. */
export interface FakeComment {
  id: number;
  body: string;
  author: string;
  createdAt: string;
}

/** A pull request; head and base are branch names in the same repository. */
export interface FakePull {
  id: number;
  repo: string;
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  draft: boolean;
  author: string;
  labels: string[];
  comments: FakeComment[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  maintainerCanModify: boolean;
  /** The head commit when the PR was last read or closed, kept if the branch is deleted. */
  lastHeadSha: string;
  /** Owner of the fork holding `head`, for a pull request from a fork; undefined when head is in the same repository. */
  headOwner?: string;
}

/** Permission levels of a token, by GitHub permission name. */
export type Permissions = Partial<Record<'contents' | 'pull_requests' | 'issues' | 'metadata', 'read' | 'write'>>;

/** An access token the fake accepts for the API and for git. */
export interface FakeToken {
  login: string;
  permissions: Permissions;
  /** Per-repository permissions (`owner/name`, lower case) that replace `permissions` there, e.g. read-only upstreams. */
  repos?: Record<string, Permissions>;
  /** A GitHub App installation token (may list the installation's repositories). */
  installation?: boolean;
}

/** The permissions a token has on one repository. */
export function permissionsOn(token: FakeToken, fullName: string): Permissions {
  return token.repos?.[fullName.toLowerCase()] ?? token.permissions;
}

/** A primary rate limit in force: every API call until `until` (ms) is answered 403 with these headers. */
export interface RateLimitWindow {
  until: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The whole state of one fake GitHub. */
export class FakeState {
  readonly repos = new Map<string, FakeRepo>();
  readonly pulls: FakePull[] = [];
  readonly tokens = new Map<string, FakeToken>();
  /** Logins that are user accounts (lower case); every other owner is an organisation. */
  readonly users = new Set<string>();
  /** Organisations that exist without owning a repository yet (lower case), e.g. one that will hold forks. */
  readonly orgs = new Set<string>();
  /** The GitHub App whose JWTs the fake accepts, installed on every repository. */
  app: { id: number; installationId: number; publicKeyPem: string } | undefined;
  /** The exhausted rate limit, while one is in force (set by a fault with `window`). */
  rateLimit: RateLimitWindow | undefined;
  /** Where bare repositories live (`<root>/<owner>/<name>.git`); set by the server. */
  root = '';
  private ids = 1000;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  /** A new unique id. */
  nextId(): number {
    return ++this.ids;
  }

  /** A strictly increasing ISO timestamp, so list order by creation is stable. */
  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Publishes a git repository as `owner/name`: a bare clone under `root` with pushes enabled. */
  createRepo(
    owner: string,
    name: string,
    source: string,
    extra: Partial<Pick<FakeRepo, 'parent' | 'archived'>> = {},
  ): FakeRepo {
    const dir = join(this.root, owner, `${name}.git`);
    execFileSync('git', ['clone', '--quiet', '--bare', source, dir]);
    execFileSync('git', ['config', 'http.receivepack', 'true'], { cwd: dir });
    const defaultBranch = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
    const repo: FakeRepo = { id: this.nextId(), owner, name, defaultBranch, dir, labels: new Map(), ...extra };
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  /** The repository `owner/name`, or undefined. */
  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** The commit a branch points to in the bare repository (`git rev-parse`), or undefined when it does not exist. */
  branchSha(repo: FakeRepo, branch: string): string | undefined {
    try {
      return execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
        cwd: repo.dir,
        encoding: 'utf8',
      }).trim();
    } catch {
      return undefined;
    }
  }

  /** True when `ancestor` is reachable from `commit` in the bare repository. */
  isAncestor(repo: FakeRepo, ancestor: string, commit: string): boolean {
    try {
      execFileSync('git', ['merge-base', '--is-ancestor', ancestor, commit], { cwd: repo.dir });
      return true;
    } catch {
      return false;
    }
  }

  /** The repository a pull request's head branch lives in: the fork for a PR from a fork, else the repository itself. */
  headRepo(repo: FakeRepo, p: FakePull): FakeRepo {
    if (!p.headOwner || p.headOwner.toLowerCase() === repo.owner.toLowerCase()) return repo;
    return this.forkOf(repo, p.headOwner) ?? repo;
  }

  /** The fork of `repo` owned by `owner`, or undefined. */
  forkOf(repo: FakeRepo, owner: string): FakeRepo | undefined {
    const parent = `${repo.owner}/${repo.name}`.toLowerCase();
    return [...this.repos.values()].find(
      (r) => r.owner.toLowerCase() === owner.toLowerCase() && r.parent?.toLowerCase() === parent,
    );
  }

  /** The pull requests of one repository. */
  pullsOf(repo: FakeRepo): FakePull[] {
    return this.pulls.filter((p) => p.repo === `${repo.owner}/${repo.name}`);
  }
}
