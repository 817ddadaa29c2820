import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSemver } from '../src/templates/semver.ts';

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
 * Makes release notes safe to paste into a PR: `@name` mentions and `#123` references outside code would notify
 * people or link issues of this repository, so an empty HTML comment breaks them up; headings drop below the PR's own.
 */
export function neutralizeMarkdown(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return line;
      }
      if (fenced) return line;
      const demoted = line.replace(/^(#{1,4})(\s)/, '#####$2');
      // Odd-numbered parts of a split on backtick runs are inline code: left alone.
      return demoted
        .split(/(`+[^`]*`+)/)
        .map((part, i) => (i % 2 ? part : part.replace(/(^|[^\w/`@.-])@([A-Za-z0-9][A-Za-z0-9-]*)/g, '$1@<!-- -->$2').replace(/(^|[\s(])#(\d+)\b/g, '$1#<!-- -->$2')))
        .join('');
    })
    .join('\n');
}
