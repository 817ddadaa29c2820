// Human output of the fleet commands: the plan table, the status table (plain or Markdown for a dashboard issue),
// one line per synced repository, and the closing summary.
import { compareSemver } from '../../src/templates/semver.ts';
import { visibleLine } from '../../src/visible-text.ts';
import { neutralizeMarkdown } from '../pr-changelog.ts';
import type { FleetPlan, RepoPlan } from './plan.ts';
import type { RepoSyncResult } from './run.ts';

/** Pads columns to equal width; the last column is left ragged. */
export function table(rows: readonly string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] as number)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

const version = (p: Pick<RepoPlan, 'template' | 'from' | 'to'>) =>
  p.template ? `${p.template} ${p.from}${p.to && p.to !== p.from ? ` -> ${p.to}` : ''}` : '-';

/** `fleet plan`: one row per repository (action, repository, template and versions, reason) and the counts. */
export function formatPlan(plan: FleetPlan): string {
  const rows = plan.repos.map((p) => [p.action, p.repo, version(p), p.reason]);
  return (
    (rows.length ? table([['ACTION', 'REPOSITORY', 'TEMPLATE', 'WHY'], ...rows]) : 'No repositories.\n') +
    `\n${planCounts(plan)}\n`
  );
}

/** "2 to open, 1 to update, 3 skipped, 0 errors (4 without .detml/state.json ignored)". */
export function planCounts(plan: FleetPlan): string {
  const n = (a: RepoPlan['action']) => plan.repos.filter((p) => p.action === a).length;
  const ignored = plan.ignored ? ` (${plan.ignored} without .detml/state.json ignored)` : '';
  return `${n('open')} to open, ${n('update')} to update, ${n('skip')} skipped, ${n('error')} error${n('error') === 1 ? '' : 's'}${ignored}.`;
}

/** `fleet status`: who is on which template version, with the sync PR in flight; Markdown for a dashboard issue. */
export function formatStatus(plan: FleetPlan, markdown: boolean): string {
  const known = (p: RepoPlan) => (p.template === undefined ? 1 : 0);
  const sorted = [...plan.repos].sort(
    (a, b) =>
      known(a) - known(b) ||
      (a.template ?? '').localeCompare(b.template ?? '') ||
      cmpVersion(b.from, a.from) ||
      a.repo.localeCompare(b.repo),
  );
  const pr = (p: RepoPlan) =>
    p.pullRequest?.state === 'open'
      ? `#${p.pullRequest.number}${p.pullRequest.to ? ` -> ${p.pullRequest.to}` : ''}`
      : '';
  const note = (p: RepoPlan) =>
    p.action === 'skip' && p.reason !== 'up to date'
      ? p.reason
      : p.action === 'error'
        ? `error: ${p.reason}`
        : p.from !== p.to
          ? 'behind'
          : '';
  const rows = sorted.map((p) => [p.repo, p.template ?? '-', p.from ?? '-', p.to ?? '-', pr(p), note(p)]);
  const header = ['REPOSITORY', 'TEMPLATE', 'VERSION', 'LATEST', 'SYNC PR', 'NOTE'];
  if (!markdown) return (rows.length ? table([header, ...rows]) : 'No repositories.\n') + `\n${versionCounts(plan)}\n`;
  // Names and notes come from repositories' state files and API answers: one line, no mention, reference or comment.
  const cell = (s: string) => neutralizeMarkdown(visibleLine(s)).replace(/\|/g, '\\|') || ' ';
  const link = (p: RepoPlan) => (p.pullRequest?.state === 'open' ? `[${pr(p)}](${p.pullRequest.url})` : '');
  return [
    '## Template versions across the fleet',
    '',
    versionCounts(plan),
    '',
    `| ${['Repository', 'Template', 'Version', 'Latest', 'Sync PR', 'Note'].join(' | ')} |`,
    '|---|---|---|---|---|---|',
    ...sorted.map(
      (p) =>
        `| ${[p.repo, p.template ?? '-', p.from ?? '-', p.to ?? '-'].map(cell).join(' | ')} | ${link(p) || ' '} | ${cell(note(p))} |`,
    ),
    '',
  ].join('\n');
}

/** "demo: 1.2.0 ×3, 1.1.0 ×2; 1 error", the headline of the status table. */
export function versionCounts(plan: FleetPlan): string {
  const byTemplate = new Map<string, Map<string, number>>();
  for (const p of plan.repos) {
    if (!p.template || !p.from) continue;
    const versions = byTemplate.get(p.template) ?? new Map<string, number>();
    versions.set(p.from, (versions.get(p.from) ?? 0) + 1);
    byTemplate.set(p.template, versions);
  }
  const parts = [...byTemplate]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([t, v]) =>
        `${t}: ${[...v]
          .sort(([a], [b]) => cmpVersion(b, a))
          .map(([ver, n]) => `${ver} ×${n}`)
          .join(', ')}`,
    );
  const errors = plan.repos.filter((p) => p.action === 'error').length;
  const unknown = plan.repos.filter((p) => !p.template && p.action !== 'error').length;
  return (
    [
      parts.join('; ') || 'no templates found',
      unknown ? `${unknown} without a readable state` : '',
      errors ? `${errors} error${errors === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join('; ') + '.'
  );
}

/** One line as a repository finishes: outcome, repository, versions and the PR (or the error). */
export function formatResult(r: RepoSyncResult): string {
  const what = r.pullRequest
    ? `#${r.pullRequest.number}${r.pullRequest.draft ? ' (draft)' : ''} ${r.pullRequest.url}`
    : (r.detail ?? '');
  return (
    `${r.outcome.padEnd(12)} ${r.repo}  ${version(r)}${r.conflicts ? '  [conflicts]' : ''}  ${what}`.trimEnd() + '\n'
  );
}

/** The closing summary: counts per outcome, then every failure again with its error. */
export function formatSummary(results: readonly RepoSyncResult[], seconds: number): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const failed = results.filter((r) => r.outcome === 'failed');
  const conflicts = results.filter((r) => r.conflicts).length;
  const line = [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing to do';
  return [
    `\nFleet sync: ${results.length} repositories in ${seconds.toFixed(1)} s: ${line}${conflicts ? ` (${conflicts} with conflicts to resolve)` : ''}.`,
    ...failed.map((r) => `  failed ${r.repo}: ${r.detail ?? ''}`),
    '',
  ].join('\n');
}

function cmpVersion(a: string | undefined, b: string | undefined): number {
  return compareSemver(a ?? '0.0.0', b ?? '0.0.0');
}
