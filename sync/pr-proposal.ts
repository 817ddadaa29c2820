import { runGit } from '../src/git-process.ts';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../src/version.ts';
import { commitTree, listTree, writeBlob, writeTree, type Entry } from './git-objects.ts';
import { prReport, REPORT_PATH, type PrBodyInput } from './pr-body.ts';
import type { ChangelogEntry } from './pr-changelog.ts';
import { syncTrailer } from './pr-marker.ts';
import type { SyncResult } from './run-sync.ts';

/** The sync commit as it will be pushed, the inputs of the PR text, and the report file it carries, if any. */
export interface Proposal {
  commit: string;
  text: Omit<PrBodyInput, 'head' | 'branch' | 'base' | 'reportUrl'>;
  /** Repository-relative path of the full report when the PR body could not hold everything. */
  reportPath?: string;
}

/**
 * Prepares the sync commit for pushing: when the PR body must leave something out (thousands of conflicts, a huge
 * changelog), the full report is added to the commit as `.detml/sync-report.md` (a stale one from an earlier sync is
 * removed otherwise), with its trailer renamed to the new tree (pr-marker.ts). Same inputs give the same commit, so a rerun finds
 * the branch unchanged.
 */
export async function prepareProposal(
  dir: string,
  sync: SyncResult & { commit: string; branch: string },
  changelog: ChangelogEntry[],
): Promise<Proposal> {
  const text = {
    template: sync.template,
    from: sync.from,
    to: sync.to,
    plan: sync.plan,
    notes: sync.notes,
    changelog,
    generator: `${GENERATOR_NAME} ${GENERATOR_VERSION}`,
  };
  const report = prReport({ ...text, branch: sync.branch, base: sync.base ?? '' });
  const prefix = (await runGit(dir, ['rev-parse', '--show-prefix'])).stdout.toString('utf8').trim();
  const path = `${prefix}${REPORT_PATH}`;
  const present = (await listTree(dir, sync.commit, [path])).has(path);
  let commit = sync.commit;
  if (report !== undefined || present) {
    const entry: Entry | null = report === undefined ? null : { mode: '100644', oid: await writeBlob(dir, report) };
    commit = await replaceTree(
      dir,
      sync.commit,
      sync.branch,
      await writeTree(dir, new Map([[path, entry]]), `${sync.commit}^{tree}`),
    );
  }
  return { commit, text, ...(report !== undefined && { reportPath: path }) };
}

// The same commit (parents, message, author and committer with their dates) over another tree, its sync trailer
// naming that tree; moves the branch.
async function replaceTree(dir: string, commit: string, branch: string, tree: string): Promise<string> {
  const info = (
    await runGit(dir, ['show', '-s', '--format=%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B', commit])
  ).stdout.toString('utf8');
  const [parents, an, ae, ad, cn, ce, cd, ...message] = info.split('\n') as string[];
  const env = {
    GIT_AUTHOR_NAME: an,
    GIT_AUTHOR_EMAIL: ae,
    GIT_AUTHOR_DATE: ad,
    GIT_COMMITTER_NAME: cn,
    GIT_COMMITTER_EMAIL: ce,
    GIT_COMMITTER_DATE: cd,
  } as Record<string, string>;
  const body = message
    .join('\n')
    .replace(/\n*^Detml-Sync-Tree: .*$/m, '')
    .trimEnd();
  const replaced = await commitTree(
    dir,
    tree,
    (parents as string).split(' ').filter(Boolean),
    `${body}\n${syncTrailer(tree)}`,
    env,
  );
  await runGit(dir, ['update-ref', '-m', 'create-detml sync: report', `refs/heads/${branch}`, replaced, commit]);
  return replaced;
}
