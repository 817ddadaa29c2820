import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSemver } from '../src/templates/semver.ts';
import { visibleText } from '../src/visible-text.ts';

/** One release section of a template's CHANGELOG.md. */
export interface ChangelogEntry {
  version: string;
  text: string;
}

/** Reads CHANGELOG.md from a template version's folder; empty when the template has none. */
export function readChangelog(templateDir: string): string {
  const path = join(templateDir, 'CHANGELOG.md');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** The `## <version>` sections newer than `from` and up to `to`, newest first (pure). */
export function changelogBetween(markdown: string, from: string, to: string): ChangelogEntry[] {
  const entries: ChangelogEntry[] = [];
  let current: { version: string; lines: string[] } | undefined;
  const flush = () => current && entries.push({ version: current.version, text: current.lines.join('\n').trim() });
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const heading = /^##\s+\[?v?(\d+\.\d+\.\d+[^\s\]]*)\]?/.exec(line);
    if (heading || /^#{1,2}\s/.test(line)) {
      flush();
      current = heading ? { version: heading[1] as string, lines: [] } : undefined;
    } else current?.lines.push(line);
  }
  flush();
  return entries
    .filter((e) => compareSemver(e.version, from) > 0 && compareSemver(e.version, to) <= 0)
    .sort((a, b) => compareSemver(b.version, a.version));
}

/**
 * Makes release notes safe to paste into a PR: `@name` mentions, `#123`, `owner/repo#123` and issue or pull request URLs
 * outside code would notify people, link issues of this repository or close them (`closes #N`), so an empty HTML
 * comment breaks them up; `<!--` cannot hide the rest of the body; control characters become visible escapes;
 * headings drop below the PR's own, and a code fence left open is closed so it cannot swallow what follows.
 */
export function neutralizeMarkdown(text: string): string {
  let fence: string | undefined;
  const lines = visibleText(text.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) => {
      const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (opener && (!fence || (opener[0] === fence[0] && opener.length >= fence.length))) {
        fence = fence ? undefined : opener;
        return line;
      }
      if (fence) return line;
      const demoted = line.replace(/^(#{1,4})(\s)/, '#####$2');
      return outsideCode(demoted, neutralizeInline);
    });
  if (fence) lines.push(fence);
  return lines.join('\n');
}

// Applies `fn` to the text outside inline code spans (a backtick run closed by a run of the same length, as
// CommonMark defines them). Anything not surely code is treated as text, so an odd backtick cannot shield a mention.
function outsideCode(line: string, fn: (text: string) => string): string {
  const span = /(?<![`\\])(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;
  let out = '';
  let last = 0;
  for (const match of line.matchAll(span)) {
    out += fn(line.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + fn(line.slice(last));
}

// Text outside code: no comment opened, no mention, no issue reference (so `closes …` has nothing to close).
function neutralizeInline(text: string): string {
  const breakUp = '<!-- -->';
  return text
    .replace(/<!--/g, '&lt;!--')
    .replace(/(^|[^\w/`@.-])@([A-Za-z0-9][A-Za-z0-9-]*)/g, `$1@${breakUp}$2`)
    .replace(/(^|[^\w&])#(\d+)\b/g, `$1#${breakUp}$2`)
    .replace(/([\w.-]+\/[\w.-]+)#(\d+)\b/g, `$1#${breakUp}$2`)
    .replace(/\b(GH)-(\d+)\b/gi, `$1-${breakUp}$2`)
    .replace(/(\/(?:issues|pull|pulls|discussions)\/)(\d+)/gi, `$1${breakUp}$2`);
}
