import { visibleLine } from '../src/visible-text.ts';
import type { FileStatus } from './policy.ts';
import type { SyncResult } from './run-sync.ts';

/** The order statuses are listed in: what needs the user's attention first. */
export const STATUS_ORDER: readonly FileStatus[] = [
  'conflicted',
  'needs-relock',
  'kept',
  'skipped',
  'merged',
  'applied',
  'deleted',
];

/** A human-readable report of a sync: one line per path, then what to do next. */
export function formatPlan(result: SyncResult): string {
  const head = `${result.template} ${result.from} -> ${result.to}`;
  if (result.status === 'up-to-date') return `Already up to date: ${result.template} ${result.from}.\n`;
  const rows = [...result.plan].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
  // Paths come from templates and the repository: one line each, control characters shown as escapes.
  const shown = new Map(rows.map((r) => [r, visibleLine(r.path)]));
  const width = Math.max(0, ...[...shown.values()].map((p) => p.length));
  const lines = [`${result.mode === 'dry-run' ? 'Plan for' : 'Synced'} ${head}:`];
  for (const r of rows)
    lines.push(`  ${r.status.padEnd(12)} ${(shown.get(r) as string).padEnd(width)}  ${visibleLine(r.reason)}`);
  if (rows.length === 0) lines.push('  (no file changes)');
  for (const note of result.notes) lines.push(`  note: ${visibleLine(note)}`);
  lines.push('', nextStep(result));
  return `${lines.join('\n')}\n`;
}

/** The machine-readable report (`--json`), stable for scripts. */
export function planJson(result: SyncResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function nextStep(result: SyncResult): string {
  const conflicted = result.plan.filter((e) => e.status === 'conflicted').map((e) => visibleLine(e.path));
  if (result.mode === 'dry-run') return 'Dry run: nothing was changed.';
  if (result.mode === 'local') {
    return conflicted.length
      ? `Conflicts in ${conflicted.join(', ')}: resolve the markers, "git add" the files, then commit.`
      : 'The work tree and index hold the update: review with "git diff --cached", then commit.';
  }
  const where = `Committed ${result.commit?.slice(0, 12)} on branch ${result.branch}; your checkout is unchanged.`;
  return conflicted.length ? `${where}\nThe commit contains conflict markers in ${conflicted.join(', ')}.` : where;
}
