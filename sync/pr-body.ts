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
}

// GitHub rejects bodies over 65,536 characters; leave room for the footer.
const MAX_BODY = 60_000;

/** The PR title: `detml: update <template> template <from> -> <to>`. */
export function prTitle(input: Pick<PrBodyInput, 'template' | 'from' | 'to'>): string {
  return `detml: update ${input.template} template ${input.from} -> ${input.to}`;
}

/** The PR body: marker, summary, what to fix, the template's release notes, and one table row per changed path. */
export function prBody(input: PrBodyInput): string {
  const rows = [...input.plan].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || (a.path < b.path ? -1 : 1));
  const head = [
    markerComment({ head: input.head, to: input.to }),
    `## Update the ${input.template} template ${input.from} → ${input.to}`,
    '',
    `create-detml re-rendered the **${input.template}** template at ${input.from} and ${input.to} from this project's recorded answers and merged the difference into \`${input.base}\` with git's three-way merge, keeping your edits. The commit also updates \`.detml/state.json\`.`,
    '',
    `**Summary:** ${summary(rows)}.`,
    ...attention(rows, input.branch),
    ...changelogSection(input),
  ];
  const foot = [
    ...(input.notes.length ? ['', '### Notes', '', ...input.notes.map((n) => `- ${cell(n)}`)] : []),
    '',
    '---',
    `<sub>Opened by ${input.generator} (\`create-detml sync\`). Running sync again updates this PR in place; commits you push to \`${input.branch}\` are never overwritten. Closing this PR without merging stops create-detml from proposing ${input.template} ${input.to} again.</sub>`,
  ];
  const fixed = [...head, ...foot].join('\n').length;
  return [...head, ...fileTable(rows, MAX_BODY - fixed), ...foot].join('\n') + '\n';
}

function summary(rows: readonly PlanEntry[]): string {
  if (rows.length === 0) return 'no file changes (answers or state only)';
  const counts = new Map<FileStatus, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return STATUS_ORDER.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`).join(', ');
}

function attention(rows: readonly PlanEntry[], branch: string): string[] {
  const conflicted = rows.filter((r) => r.status === 'conflicted');
  const relock = rows.filter((r) => r.status === 'needs-relock');
  const out: string[] = [];
  if (conflicted.length) {
    out.push(
      '',
      '> [!CAUTION]',
      `> **This update has conflicts in ${conflicted.length} file${conflicted.length > 1 ? 's' : ''}.** The conflict markers are committed on this branch only. To finish the update:`,
      `> 1. \`git fetch origin ${branch} && git switch ${branch}\``,
      '> 2. Resolve the `<<<<<<<` / `>>>>>>>` markers in:',
      ...conflicted.map((r) => `>    - ${code(r.path)}`),
      '> 3. Commit, push, and mark this pull request ready for review.',
    );
  }
  if (relock.length) {
    out.push('', `**Lockfiles to regenerate** (never text-merged): ${relock.map((r) => code(r.path)).join(', ')}. Run the package manager on this branch and commit the result.`);
  }
  return out;
}

function changelogSection(input: PrBodyInput): string[] {
  if (input.changelog.length === 0) return ['', '### Template changes', '', `_The template has no release notes between ${input.from} and ${input.to}._`];
  return ['', '### Template changes', ...input.changelog.flatMap((e) => ['', `#### ${e.version}`, '', neutralizeMarkdown(e.text || '_No notes._')])];
}

function fileTable(rows: readonly PlanEntry[], budget: number): string[] {
  if (rows.length === 0) return [];
  const out = ['', '### Files', '', '| File | Status | Why |', '| --- | --- | --- |'];
  let used = out.join('\n').length;
  for (const [i, r] of rows.entries()) {
    const line = `| ${code(r.path)} | ${r.status} | ${cell(r.reason)} |`;
    if (used + line.length + 120 > budget) {
      out.push('', `_…and ${rows.length - i} more files; run \`create-detml sync --dry-run\` for the full list._`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

// Table cells: one line, pipes escaped, mentions neutralised.
function cell(text: string): string {
  return neutralizeMarkdown(text.replace(/\r?\n/g, ' ')).replace(/\|/g, '\\|');
}

function code(path: string): string {
  const fence = path.includes('`') ? '``' : '`';
  return `${fence}${path.includes('`') ? ` ${path} ` : path}${fence}`.replace(/\|/g, '\\|');
}
