// A generated project published on the fake GitHub as acme/proj (origin = its smart-HTTP URL), with helpers to run
// the pull-request sync in-process or through the built CLI, and to act as a maintainer on the remote.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPullRequestSync, type PullRequestSyncOptions } from '../../../sync/pull-request.ts';
import { runCli, type CliResult } from '../run-cli.ts';
import { createProject, type Project } from '../sync-project.ts';
import { tempDir } from '../tmp.ts';
import { startFakeGitHub, type FakeGitHub } from './server.ts';

/**
 * Scaled-down time for in-process runs: one second GitHub asks for is waited as 20 ms (and writes are spaced 20 ms),
 * so fault tests take milliseconds per retry; the real waits are asserted on a fake clock in rate-limits.test.ts.
 */
export const FAST_RETRY = { retries: 4, baseMs: 20, maxWaitMs: 5_000, timeoutMs: 5_000, writeSpacingMs: 20 };

/** A project, its fake GitHub, the token it may use, and ways to sync and inspect it. */
export interface GitHubProject {
  p: Project;
  gh: FakeGitHub;
  token: string;
  owner: string;
  name: string;
  sync(options?: Partial<PullRequestSyncOptions> & { env?: NodeJS.ProcessEnv }): ReturnType<typeof runPullRequestSync>;
  cli(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
  /** Pushes the local main to the server, as the user would after committing. */
  publish(): void;
  /** Runs git in the bare repository on the server. */
  remote(...args: string[]): string;
  /** Pushes a commit to `branch` on the server as a maintainer would (another clone, another identity). */
  maintainerCommit(branch: string, path: string, contents: string): string;
}

/** Creates the project at `version`, publishes it as acme/proj and registers a token with all needed permissions. */
export async function githubProject(version = '1.0.0'): Promise<GitHubProject> {
  const p = await createProject(version);
  const gh = await startFakeGitHub();
  const [owner, name] = ['acme', 'proj'];
  gh.addRepo(owner, name, p.dir);
  p.git('remote', 'add', 'origin', gh.gitUrl(owner, name));
  const token = `ghp_${randomBytes(18).toString('hex')}`;
  gh.addToken(token);
  const bare = gh.state.repo(owner, name)!.dir;
  return {
    p,
    gh,
    token,
    owner,
    name,
    sync: ({ env, ...options } = {}) =>
      runPullRequestSync({
        cwd: p.dir,
        source: { templateRoot: p.templateRoot },
        target: { apiUrl: gh.apiUrl, env: env ?? { GITHUB_TOKEN: token } },
        auth: {},
        retry: FAST_RETRY,
        ...options,
      }),
    cli: (args, env = {}) =>
      runCli(['sync', '--template-root', p.templateRoot, '--api-url', gh.apiUrl, ...args], {
        cwd: p.dir,
        env: { GITHUB_TOKEN: token, GITHUB_API_URL: undefined, GITHUB_REPOSITORY: undefined, ...env },
      }),
    publish: () => void p.git('push', '--quiet', bare, 'HEAD:refs/heads/main'),
    remote: (...args) => execFileSync('git', args, { cwd: bare, encoding: 'utf8' }).trim(),
    maintainerCommit(branch, path, contents) {
      const clone = join(tempDir('detml-maintainer-'), 'clone');
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=Maintainer', '-c', 'user.email=maintainer@example.com', ...args], {
          cwd: clone,
          encoding: 'utf8',
        }).trim();
      execFileSync('git', ['clone', '--quiet', '--branch', branch, bare, clone]);
      writeFileSync(join(clone, path), contents);
      git('commit', '--quiet', '-am', `maintainer: edit ${path}`);
      git('push', '--quiet', 'origin', branch);
      return git('rev-parse', 'HEAD');
    },
  };
}
