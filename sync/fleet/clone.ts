// git for fleet runs: clone a repository into a scratch folder and look at a remote's branches, with the token passed
// per git command (an http.<url>.extraHeader through GIT_CONFIG_* variables, credential helpers off), never in a URL or in .git/config.
import { join } from 'node:path';
import { UserError } from '../../src/errors.ts';
import { runGit } from '../../src/git-process.ts';
import { redact } from '../pr-errors.ts';
import { serverUrl } from '../pr-target.ts';
import { gitAuthEnv } from '../push.ts';

/** The https git URL of `owner/name` on the API's server (no credentials in it). */
export function gitUrl(apiUrl: string, owner: string, name: string): string {
  return `${serverUrl(apiUrl)}/${owner}/${name}.git`;
}

/** Clones one branch of `url` into `<parent>/work` (history of that branch only, no tags) and returns the folder. */
export async function cloneBranch(parent: string, url: string, token: string, branch: string): Promise<string> {
  const dir = join(parent, 'work');
  const args = ['clone', '--quiet', '--no-tags', '--single-branch', '--branch', branch, '--', url, dir];
  const result = await runGit(parent, args, { env: gitAuthEnv(token, url), okCodes: [0, 128] });
  if (result.code !== 0) {
    const line =
      result.stderr
        .split('\n')
        .map((l) => l.trim())
        .find((l) => /^(fatal|error|remote)/.test(l)) ?? `exit ${result.code}`;
    throw new UserError(redact(`Could not clone ${url} (branch ${branch}): ${line}`, [token]));
  }
  return dir;
}

/** The branches of a remote (name -> commit), or undefined while it cannot be read (e.g. a fork still being created). */
export async function remoteHeads(dir: string, url: string, token: string): Promise<Map<string, string> | undefined> {
  const result = await runGit(dir, ['ls-remote', '--heads', url], {
    env: gitAuthEnv(token, url),
    okCodes: [0, 2, 128],
  });
  if (result.code !== 0) return undefined;
  const heads = new Map<string, string>();
  for (const line of result.stdout.toString('utf8').split('\n').filter(Boolean)) {
    const [sha, ref] = line.split('\t') as [string, string];
    heads.set(ref.replace(/^refs\/heads\//, ''), sha);
  }
  return heads;
}
