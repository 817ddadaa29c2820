import { UserError } from '../src/errors.ts';
import { runGit } from '../src/git-process.ts';
import { STATE_PATH } from '../src/state/state-file.ts';
import { compareSemver } from '../src/templates/semver.ts';
import { syncBranch } from './apply.ts';
import type { GitHubClient, PullSummary } from './github.ts';
import { prBody, prTitle, type PrBodyInput } from './pr-body.ts';
import { isToolCommit, parseMarker, sameCommitContent } from './pr-marker.ts';
import { serverUrl, type Target } from './pr-target.ts';
import { fetchBranches, isAncestor, lsRemote, pushBranch, remoteRef } from './push.ts';

/** What happened to the pull request. */
export type PrAction =
  'created' | 'updated' | 'unchanged' | 'closed-by-maintainer' | 'left-for-maintainer' | 'already-merged';

/** The result of the pull-request step, for printing and JSON. */
export interface PrOutcome {
  action: PrAction;
  number: number;
  url: string;
  branch: string;
  draft: boolean;
  /** The older sync PR this one replaces because a maintainer pushed to its branch. */
  supersedes?: number;
  /** Sync PRs from branches of a renamed base that this one replaced (closed with a comment). */
  closed?: number[];
  notes: string[];
}

/** Everything the upsert needs: the client, where to push, the local sync commit and the PR text inputs. */
export interface UpsertInput {
  dir: string;
  gh: GitHubClient;
  target: Target;
  token: string;
  base: string;
  /** The local sync commit (stamped) and its parent, the checkout's HEAD. */
  commit: string;
  parent: string;
  conflicts: boolean;
  text: Omit<PrBodyInput, 'head' | 'branch' | 'base' | 'reportUrl'>;
  /** Repository-relative path of the full report committed with the sync commit, when the body leaves things out. */
  reportPath?: string;
  progress: (message: string) => void;
}

const LABEL = { name: 'detml-sync', color: '0e8a16', description: 'Template update opened by create-detml sync' };
const CONFLICTS = { name: 'conflicts', color: 'b60205', description: 'Has conflict markers to resolve before merging' };

/**
 * One sync PR per base branch, upserted like changesets/action: `detml/sync/<base>` is force-pushed (with a lease)
 * and its PR updated in place while its tip is a commit create-detml made. A branch carrying a maintainer's commits is
 * never overwritten: a newer version goes to `detml/sync/<base>-<to>` with a comment on the old PR, and the same
 * version is left to the maintainer. A PR a human closed for this version is never reopened or recreated.
 */
export async function upsertSyncPr(i: UpsertInput): Promise<PrOutcome> {
  const to = i.text.to;
  const main = syncBranch(i.base);
  const alt = `${main}-${to}`;
  const pulls = [...(await i.gh.listPulls(main)), ...(await i.gh.listPulls(alt))];
  const closed = pulls.find((p) => p.state === 'closed' && !p.merged && parseMarker(p.body)?.to === to);
  if (closed)
    return outcome('closed-by-maintainer', closed, [
      `#${closed.number} (${to}) was closed without merging; create-detml does not propose ${to} again.`,
    ]);

  const tips = await lsRemote(i.dir, i.target.remoteUrl, i.token, [i.base, main, alt]);
  if (!tips.has(i.base))
    throw new UserError(
      `Branch ${i.base} does not exist on ${i.target.remoteUrl}; push it first, then run sync again.`,
    );
  await fetchBranches(i.dir, i.target.remoteUrl, i.token, [...tips.keys()]);
  if (!(await isAncestor(i.dir, i.parent, remoteRef(i.base)))) {
    throw new UserError(
      `Your ${i.base} has commits that are not on ${i.target.owner}/${i.target.repo}; push them (or sync from an up-to-date checkout) so the pull request holds only the template update.`,
    );
  }
  const merged = await alreadyMerged(i, pulls);
  if (merged) return merged;
  const open = (branch: string) => pulls.find((p) => p.state === 'open' && p.headRef === branch);
  if (await ours(i, main, tips.get(main)))
    return closeRenamed(i, await deliver(i, main, tips.get(main), open(main)), [main, alt]);

  const current = open(main);
  if (current && parseMarker(current.body)?.to === to) {
    return outcome('left-for-maintainer', current, [
      `${main} has commits create-detml did not push; #${current.number} already proposes ${to}, so it is left as it is.`,
    ]);
  }
  if (!(await ours(i, alt, tips.get(alt)))) {
    const other = open(alt);
    if (other)
      return outcome('left-for-maintainer', other, [
        `${alt} has commits create-detml did not push; #${other.number} is left as it is.`,
      ]);
    throw new UserError(
      `Branches ${main} and ${alt} both hold commits create-detml did not push; delete ${alt} or merge its work, then run sync again.`,
    );
  }
  i.progress(`${main} has commits create-detml did not push; proposing ${to} on ${alt} instead`);
  const result = await deliver(i, alt, tips.get(alt), open(alt));
  if (current) await commentSuperseded(i.gh, current, result, to);
  return closeRenamed(i, { ...result, ...(current ? { supersedes: current.number } : {}) }, [main, alt]);
}

/**
 * The base branch on GitHub already carries this update (a squash or merge of an earlier sync PR, or a manual sync):
 * read from the state file on the fetched remote base, not from the checkout, which may be behind. Nothing is pushed.
 */
async function alreadyMerged(i: UpsertInput, pulls: readonly PullSummary[]): Promise<PrOutcome | undefined> {
  const remote = await remoteTemplate(i.dir, remoteRef(i.base));
  if (!remote || remote.id !== i.text.template || compareSemver(remote.version, i.text.from) === 0) return undefined;
  if (compareSemver(remote.version, i.text.to) < 0) {
    throw new UserError(
      `${i.base} on ${i.target.owner}/${i.target.repo} is on ${remote.id} ${remote.version}, but this checkout is on ${i.text.from}; pull ${i.base} and run sync again.`,
    );
  }
  const pr = pulls.find((p) => p.merged && parseMarker(p.body)?.to === remote.version) ?? pulls.find((p) => p.merged);
  const note = `${i.base} on ${i.target.owner}/${i.target.repo} already has ${remote.id} ${remote.version}${pr ? ` (merged in #${pr.number})` : ''}; pull it to update this checkout.`;
  return {
    action: 'already-merged',
    number: pr?.number ?? 0,
    url: pr?.url ?? '',
    branch: pr?.headRef ?? syncBranch(i.base),
    draft: false,
    notes: [note],
  };
}

// The template id and version recorded in the project's state file at `ref` (the project may sit in a subfolder).
async function remoteTemplate(dir: string, ref: string): Promise<{ id: string; version: string } | undefined> {
  const prefix = (await runGit(dir, ['rev-parse', '--show-prefix'])).stdout.toString('utf8').trim();
  const shown = await runGit(dir, ['show', `${ref}:${prefix}${STATE_PATH}`], { okCodes: [0, 128] });
  if (shown.code !== 0) return undefined;
  try {
    const template = (JSON.parse(shown.stdout.toString('utf8')) as { template?: { id?: unknown; version?: unknown } })
      .template;
    const valid =
      typeof template?.id === 'string' &&
      typeof template.version === 'string' &&
      /^\d+\.\d+\.\d+/.test(template.version);
    return valid ? { id: template.id as string, version: template.version as string } : undefined;
  } catch {
    return undefined; // not ours to judge here: the merge already validated the local state file
  }
}

/**
 * A renamed base branch leaves the sync PR of its old name (GitHub retargets it to the new name) next to the new
 * one: every other open create-detml PR into this base is closed with a comment pointing to the current one.
 */
async function closeRenamed(i: UpsertInput, result: PrOutcome, current: readonly string[]): Promise<PrOutcome> {
  const stale = (await i.gh.listOpenPulls(i.base)).filter(
    (p) =>
      p.number !== result.number &&
      !current.includes(p.headRef) &&
      p.headRef.startsWith('detml/sync/') &&
      parseMarker(p.body),
  );
  for (const old of stale) {
    await i.gh.createComment(
      old.number,
      `create-detml now proposes template updates for \`${i.base}\` in #${result.number} (${result.url}); this pull request is from \`${old.headRef}\`, the sync branch of the base's former name, so it is closed. Its branch is left untouched.`,
    );
    await i.gh.closePull(old.number);
  }
  return stale.length ? { ...result, closed: stale.map((p) => p.number) } : result;
}

// A remote branch may be overwritten when it is absent, is an untouched create-detml commit, or is already merged into base.
async function ours(i: UpsertInput, branch: string, tip: string | undefined): Promise<boolean> {
  if (!tip) return true;
  return (
    (await isToolCommit(i.dir, remoteRef(branch))) || (await isAncestor(i.dir, remoteRef(branch), remoteRef(i.base)))
  );
}

async function deliver(
  i: UpsertInput,
  branch: string,
  tip: string | undefined,
  open: PullSummary | undefined,
): Promise<PrOutcome> {
  let head = i.commit;
  if (tip && (await sameCommitContent(i.dir, remoteRef(branch), i.commit))) head = tip;
  else {
    i.progress(`Pushing ${branch} to ${i.target.remoteUrl}`);
    await pushBranch(i.dir, i.target.remoteUrl, i.token, i.commit, branch, tip);
  }
  const title = prTitle(i.text);
  const reportUrl =
    i.reportPath &&
    `${serverUrl(i.target.apiUrl)}/${i.target.owner}/${i.target.repo}/blob/${head}/${i.reportPath.split('/').map(encodeURIComponent).join('/')}`;
  const body = prBody({ ...i.text, head, branch, base: i.base, reportUrl });
  let pr = open;
  let action: PrAction = 'updated';
  if (!pr) {
    const created = await i.gh.createPull({ head: branch, base: i.base, title, body, draft: i.conflicts });
    // 'exists': an earlier attempt opened it but the response was lost; find it and update it instead.
    pr = created === 'exists' ? (await i.gh.listPulls(branch)).find((p) => p.state === 'open') : created;
    if (!pr)
      throw new UserError(`GitHub says a pull request from ${branch} exists but lists none open; run sync again.`);
    action = created === 'exists' ? 'updated' : 'created';
  }
  if (action === 'updated' && (pr.title !== title || pr.body !== body))
    pr = await i.gh.updatePull(pr.number, { title, body });
  else if (action === 'updated' && head === tip) action = 'unchanged';
  await syncLabels(i, pr);
  const notes: string[] = [];
  if (i.conflicts && !pr.draft)
    notes.push(
      `#${pr.number} has conflicts but is not a draft (GitHub's REST API cannot convert it); it is labelled "${CONFLICTS.name}".`,
    );
  if (!i.conflicts && pr.draft) notes.push(`#${pr.number} no longer has conflicts: mark it ready for review.`);
  return outcome(action, pr, notes);
}

async function syncLabels(i: UpsertInput, pr: PullSummary): Promise<void> {
  const wanted = i.conflicts ? [LABEL, CONFLICTS] : [LABEL];
  const missing = wanted.filter((l) => !pr.labels.includes(l.name));
  for (const label of missing) await i.gh.ensureLabel(label.name, label.color, label.description);
  if (missing.length)
    await i.gh.addLabels(
      pr.number,
      missing.map((l) => l.name),
    );
  if (!i.conflicts && pr.labels.includes(CONFLICTS.name)) await i.gh.removeLabel(pr.number, CONFLICTS.name);
}

async function commentSuperseded(gh: GitHubClient, old: PullSummary, next: PrOutcome, to: string): Promise<void> {
  const tag = `<!-- detml-sync-superseded-by: ${next.number} -->`;
  if ((await gh.listComments(old.number)).some((c) => c.includes(tag))) return;
  await gh.createComment(
    old.number,
    `${tag}\ncreate-detml did not update this pull request to ${to} because \`${old.headRef}\` has commits it did not push; they are left untouched. The update to ${to} is in #${next.number} (${next.url}).`,
  );
}

function outcome(action: PrAction, pr: PullSummary, notes: string[]): PrOutcome {
  return { action, number: pr.number, url: pr.url, branch: pr.headRef, draft: pr.draft, notes };
}
