import { runGit } from '../src/git-process.ts';

/** What create-detml records about its own pull request, hidden in the PR body as an HTML comment. */
export interface SyncMarker {
  /** The commit create-detml last pushed to the PR branch. */
  head: string;
  /** The template version the PR updates to. */
  to: string;
}

const MARKER = /<!-- detml-sync: (\{.*?\}) -->/;
const TRAILER = 'Detml-Sync-Tree';

/** The hidden HTML comment that marks a PR body as create-detml's, recording the pushed head and target version. */
export function markerComment(marker: SyncMarker): string {
  return `<!-- detml-sync: ${JSON.stringify({ head: marker.head, to: marker.to })} -->`;
}

/** Reads the marker from a PR body; undefined for PRs create-detml did not write. */
export function parseMarker(body: string | null | undefined): SyncMarker | undefined {
  const match = MARKER.exec(body ?? '');
  if (!match) return undefined;
  try {
    const value = JSON.parse(match[1] as string) as Partial<SyncMarker>;
    return typeof value.head === 'string' && typeof value.to === 'string'
      ? { head: value.head, to: value.to }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The commit-message trailer that marks a sync commit create-detml made for `tree`, with its leading blank line. */
export function syncTrailer(tree: string): string {
  return `\n${TRAILER}: ${tree}\n`;
}

/** True when `commit` is a create-detml sync commit nobody changed: its trailer names its own tree and it has one parent. */
export async function isToolCommit(dir: string, commit: string): Promise<boolean> {
  const info = (await runGit(dir, ['show', '-s', '--format=%T%n%P%n%B', commit])).stdout.toString('utf8');
  const [tree, parents, ...message] = info.split('\n');
  const trailer = new RegExp(`^${TRAILER}: ([0-9a-f]{40,64})$`, 'm').exec(message.join('\n'));
  return trailer?.[1] === tree && (parents ?? '').split(' ').filter(Boolean).length === 1;
}

/** True when two commits have the same tree and parents, so pushing one over the other would change nothing. */
export async function sameCommitContent(dir: string, a: string, b: string): Promise<boolean> {
  const show = async (c: string) =>
    (await runGit(dir, ['show', '-s', '--format=%T %P', c])).stdout.toString('utf8').trim();
  return (await show(a)) === (await show(b));
}
