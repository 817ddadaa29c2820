import { visibleLine } from '../src/visible-text.ts';
import { STATUS_ORDER } from './format-plan.ts';
import { neutralizeMarkdown, type ChangelogEntry } from './pr-changelog.ts';
import { markerComment } from './pr-marker.ts';
import type { FileStatus, PlanEntry } from './policy.ts';

/** Everything the PR title and body are made from; no I/O, so the text is a pure function of it. */
export interface PrBodyInput {
  template: string;
  from: string;
  to: string;
  plan: readonly PlanEntry[];
  notes: readonly string[];
  changelog: readonly ChangelogEntry[];
  /** The commit pushed to the PR branch (recorded in the hidden marker). */
  head: string;
  branch: string;
  base: string;
  /** e.g. "create-detml 0.1.0". */
  generator: string;
  /** Where the full report lives when the body had to leave something out (a URL of the file on the pushed commit). */
  reportUrl?: string | undefined;
}

/** GitHub refuses (422) a pull request or comment body longer than this many characters. */
export const GITHUB_BODY_LIMIT = 65_536;

// Our own ceiling, below GitHub's with room to spare; every section gets a share so none can starve the others.
const MAX_BODY = 60_000;
const BUDGET = { conflicts: 8_000, relock: 3_000, changelog: 20_000, notes: 4_000 };

/** Where the full report goes, relative to the project folder, when the body cannot hold everything. */
export const REPORT_PATH = '.detml/sync-report.md';

/** The PR title: `detml: update <template> template <from> -> <to>`. */
export function prTitle(input: Pick<PrBodyInput, 'template' | 'from' | 'to'>): string {
  return `detml: update ${input.template} template ${input.from} -> ${input.to}`;
}

/**
 * The PR body: marker, summary, what to fix, the template's release notes, and one table row per changed path. Each
 * section has a budget; what does not fit is counted and left to the report file (see prReport), which the body links.
 */
export function prBody(input: PrBodyInput): string {
  return layout(input, true).text;
}

/**
 * The full report (every conflict, lockfile, release note and path, nothing cut) when the body cannot hold it all,
 * else undefined. It depends on neither the head commit nor the report URL, so it can go into that very commit.
 */
export function prReport(input: Omit<PrBodyInput, 'head' | 'reportUrl'>): string | undefined {
  const probe = { ...input, head: '0'.repeat(64) };
  if (!layout(probe, true).cut) return undefined;
  const rows = sorted(input.plan);
  const full = layout(probe, false).text;
  return [
    `# ${input.template} ${input.from} → ${input.to}: full sync report`,
    '',
    `Written by ${input.generator} because the pull request body cannot hold all of it (${rows.length} paths).`,
    full.slice(full.indexOf('\n') + 1),
  ].join('\n');
}

function layout(input: PrBodyInput, budgeted: boolean): { text: string; cut: boolean } {
  const rows = sorted(input.plan);
  let cut = false;
  const fit = (lines: string[], budget: number, more: (left: number) => string, offset = 0): string[] => {
    const kept = budgeted ? take(lines, budget) : lines;
    if (kept.length === lines.length) return lines;
    cut = true;
    return [...kept, more(lines.length - kept.length - offset)];
  };
  const report = input.reportUrl ? `[the full report](${input.reportUrl})` : `\`${REPORT_PATH}\` on this branch`;
  const head = [
    markerComment({ head: input.head, to: input.to }),
    `## Update the ${input.template} template ${input.from} → ${input.to}`,
    '',
    `create-detml re-rendered the **${input.template}** template at ${input.from} and ${input.to} from this project's recorded answers and merged the difference into ${code(input.base)} with git's three-way merge, keeping your edits. The commit also updates \`.detml/state.json\`.`,
    '',
    `**Summary:** ${summary(rows)}.`,
    ...attention(rows, input.branch, fit, report),
    ...changelogSection(input, fit, report),
  ];
  const notes = input.notes.map((n) => `- ${cell(n)}`);
  const foot = [
    ...(notes.length
      ? ['', '### Notes', '', ...fit(notes, BUDGET.notes, (n) => `- _…and ${n} more notes in ${report}._`)]
      : []),
    '',
    '---',
    `<sub>Opened by ${visibleLine(input.generator)} (\`create-detml sync\`). Running sync again updates this PR in place; commits you push to ${code(input.branch)} are never overwritten. Closing this PR without merging stops create-detml from proposing ${input.template} ${input.to} again.</sub>`,
  ];
  const fixed = [...head, ...foot].join('\n').length;
  const table = fileTable(rows, MAX_BODY - fixed - 200, fit, report);
  return { text: [...head, ...table, ...foot].join('\n') + '\n', cut };
}

type Fit = (lines: string[], budget: number, more: (left: number) => string, offset?: number) => string[];

// The longest prefix of whole lines whose joined length stays within the budget.
function take(lines: readonly string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

function sorted(plan: readonly PlanEntry[]): PlanEntry[] {
  return [...plan].sort(
    (a, b) =>
      STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

function summary(rows: readonly PlanEntry[]): string {
  if (rows.length === 0) return 'no file changes (answers or state only)';
  const counts = new Map<FileStatus, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return STATUS_ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

function attention(rows: readonly PlanEntry[], branch: string, fit: Fit, report: string): string[] {
  const conflicted = rows.filter((r) => r.status === 'conflicted');
  const relock = rows.filter((r) => r.status === 'needs-relock');
  const out: string[] = [];
  if (conflicted.length) {
    const files = conflicted.map((r) => `>    - ${code(r.path)}`);
    out.push(
      '',
      '> [!CAUTION]',
      `> **This update has conflicts in ${conflicted.length} file${conflicted.length > 1 ? 's' : ''}.** The conflict markers are committed on this branch only. To finish the update:`,
      `> 1. ${code(`git fetch origin ${branch} && git switch ${branch}`)}`,
      '> 2. Resolve the `<<<<<<<` / `>>>>>>>` markers in:',
      ...fit(files, BUDGET.conflicts, (n) => `>    - _…and ${n} more, listed in ${report}._`),
      '> 3. Commit, push, and mark this pull request ready for review.',
    );
  }
  if (relock.length) {
    const names = relock.map((r) => code(r.path));
    const kept = fit(names, BUDGET.relock, (n) => `and ${n} more (see ${report})`);
    out.push(
      '',
      `**Lockfiles to regenerate** (never text-merged): ${kept.join(', ')}. Run the package manager on this branch and commit the result.`,
    );
  }
  return out;
}

function changelogSection(input: PrBodyInput, fit: Fit, report: string): string[] {
  if (input.changelog.length === 0)
    return [
      '',
      '### Template changes',
      '',
      `_The template has no release notes between ${input.from} and ${input.to}._`,
    ];
  // Whole entries only: a cut inside one could leave a code fence or list half open.
  const entries = input.changelog.map((e) =>
    ['', `#### ${visibleLine(e.version)}`, '', neutralizeMarkdown(e.text || '_No notes._')].join('\n'),
  );
  const kept = fit(entries, BUDGET.changelog, (n) => `\n_…${n} more release${n > 1 ? 's' : ''} in ${report}._`);
  return ['', '### Template changes', ...kept];
}

function fileTable(rows: readonly PlanEntry[], budget: number, fit: Fit, report: string): string[] {
  if (rows.length === 0) return [];
  const lines = rows.map((r) => `| ${code(r.path).replace(/\|/g, '\\|')} | ${r.status} | ${cell(r.reason)} |`);
  const headLines = ['', '### Files', '', '| File | Status | Why |', '| --- | --- | --- |'];
  return [
    ...headLines,
    ...fit(
      lines,
      budget - headLines.join('\n').length,
      (n) => `\n_…and ${n} more files in ${report} (or run \`create-detml sync --dry-run\`)._`,
    ),
  ];
}

// Table cells and list items: one line, controls visible, pipes escaped, mentions and references neutralised.
function cell(text: string): string {
  return neutralizeMarkdown(visibleLine(text)).replace(/\|/g, '\\|');
}

/**
 * An untrusted name as inline code: controls shown as escapes (a newline cannot end the table row or list item) and
 * a fence longer than any backtick run inside (table cells escape pipes on top). Code spans are never parsed for
 * mentions, references or HTML, so `<!--`, `@team` and `#1` in a file name stay inert.
 */
export function code(text: string): string {
  const shown = visibleLine(text);
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}
