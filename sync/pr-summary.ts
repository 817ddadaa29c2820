// GitHub's pull request JSON reduced to what sync reads; shared by the octokit client and the fleet's REST client.

/** A pull request, reduced to what the sync flow reads. */
export interface PullSummary {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  headRef: string;
  headSha: string;
  baseRef: string;
  title: string;
  body: string;
  url: string;
  labels: string[];
}

/** The fields of GitHub's pull request JSON that the summary reads. */
export interface PullJson {
  number: number;
  state: string;
  merged_at: string | null;
  draft?: boolean;
  head: { ref: string; sha: string };
  base: { ref: string };
  title: string;
  body: string | null;
  html_url: string;
  labels: { name?: string }[];
}

/** Reduces a pull request from the REST API to a PullSummary. */
export function summarizePull(pr: PullJson): PullSummary {
  return {
    number: pr.number,
    state: pr.state === 'open' ? 'open' : 'closed',
    merged: pr.merged_at !== null,
    draft: pr.draft ?? false,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    title: pr.title,
    body: pr.body ?? '',
    url: pr.html_url,
    labels: pr.labels.map((l) => l.name ?? '').filter(Boolean),
  };
}
