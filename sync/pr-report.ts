import type { PullRequestSyncResult } from './pull-request.ts';
import type { SyncResult } from './run-sync.ts';

/** The `sync --check` report: one line for humans, or a small stable JSON object with `--json`. */
export function formatCheck(result: SyncResult, json: boolean): string {
  const updateAvailable = result.status !== 'up-to-date';
  if (json) {
    return `${JSON.stringify({ updateAvailable, template: result.template, from: result.from, to: result.to, conflicts: result.status === 'conflicts', files: result.plan.length }, null, 2)}\n`;
  }
  if (!updateAvailable) return `Up to date: ${result.template} ${result.from}.\n`;
  const conflicted = result.plan.filter((e) => e.status === 'conflicted').length;
  const extra = conflicted ? `, ${conflicted} with conflicts` : '';
  return `Update available: ${result.template} ${result.from} -> ${result.to} (${result.plan.length} files${extra}). Run create-detml sync to open a pull request.\n`;
}

/** The lines printed after the plan about the pull request: what happened, its URL, and anything to do by hand. */
export function formatPullRequest(result: PullRequestSyncResult): string {
  const pr = result.pullRequest;
  if (!pr) return '';
  const verb = {
    created: `Opened${pr.draft ? ' draft' : ''} pull request`,
    updated: 'Updated pull request',
    unchanged: 'Pull request is already up to date:',
    'closed-by-maintainer': 'Not reopening closed pull request',
    'left-for-maintainer': 'Left pull request as it is:',
    'already-merged': 'Nothing to propose:',
  }[pr.action];
  const lines =
    pr.action === 'already-merged'
      ? [`${verb} the update is already merged on GitHub.`]
      : [`${verb} #${pr.number} (${pr.branch}): ${pr.url}`];
  if (pr.supersedes)
    lines.push(`It replaces #${pr.supersedes}, whose branch has commits create-detml did not push (commented there).`);
  if (pr.closed?.length)
    lines.push(
      `Closed ${pr.closed.map((n) => `#${n}`).join(', ')}: sync PRs from the base branch's former name (commented there).`,
    );
  lines.push(...pr.notes);
  return `${lines.join('\n')}\n`;
}
