// The fake GitHub's in-memory state: repositories backed by real bare git repositories, tokens with permissions,
// pull requests, labels and comments. Refs are never cached: they are read from the bare repository with git.
import { execFileSync } from 'node:child_process';

/** A repository: a bare git repository on disk plus its labels. */
export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  dir: string;
  labels: Map<string, FakeLabel>;
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
}

/** Permission levels of a token, by GitHub permission name. */
export type Permissions = Partial<Record<'contents' | 'pull_requests' | 'issues' | 'metadata', 'read' | 'write'>>;

/** An access token the fake accepts for the API and for git. */
export interface FakeToken {
  login: string;
  permissions: Permissions;
}

/** The whole state of one fake GitHub. */
export class FakeState {
  readonly repos = new Map<string, FakeRepo>();
  readonly pulls: FakePull[] = [];
  readonly tokens = new Map<string, FakeToken>();
  /** The GitHub App whose JWTs the fake accepts, installed on every repository. */
  app: { id: number; installationId: number; publicKeyPem: string } | undefined;
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

  /** The repository `owner/name`, or undefined. */
  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** The commit a branch points to in the bare repository (`git rev-parse`), or undefined when it does not exist. */
  branchSha(repo: FakeRepo, branch: string): string | undefined {
    try {
      return execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: repo.dir, encoding: 'utf8' }).trim();
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

  /** The pull requests of one repository. */
  pullsOf(repo: FakeRepo): FakePull[] {
    return this.pulls.filter((p) => p.repo === `${repo.owner}/${repo.name}`);
  }
}
