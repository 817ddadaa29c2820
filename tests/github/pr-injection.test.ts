/* eslint-disable no-control-regex -- these tests look for control characters in what reaches GitHub and the terminal */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMarker } from '../../sync/pr-marker.ts';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';

// Every request create-detml sent and every response the fake built must match GitHub's OpenAPI description.
const setup = checkedGithubProject;

// File names a template (or a repository) can carry: newline, CR, backticks, pipes, terminal escapes, bidi override.
const HOSTILE = [
  'nl\n| forged | row |\n## forged heading.txt',
  'cr\r<!-- hides the rest.txt',
  'tick` @octocat ``x.txt',
  'pipe | closes #1.txt',
  'esc\u001b]8;;https:evil.example\u0007link\u001b]8;;\u0007\u001b[2J.txt',
  'bidi\u202etxt.exe',
];

// GitHub's closing keywords followed by a reference it resolves (docs: "Linking a pull request to an issue").
const CLOSES =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:#\d+|[\w.-]+\/[\w.-]+#\d+|https?:\/\/\S+\/issues\/\d+)/i;

// The body without code blocks and inline code spans: what GitHub parses for mentions, references and HTML.
const outsideCode = (body: string) =>
  body.replace(/^```[\s\S]*?^```$/gm, '').replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');

describe('injection through file names and changelogs (built CLI, real git smart HTTP, fake GitHub)', () => {
  it('cannot inject Markdown, close issues, break the marker, or reach the terminal as escape sequences', async () => {
    const g = await setup();
    const files = join(g.p.templateRoot, 'demo@1.1.0', 'files');
    for (const name of HOSTILE) writeFileSync(join(files, name), 'hostile\n');
    const changelog = join(g.p.templateRoot, 'demo@1.1.0', 'CHANGELOG.md');
    const notes = [
      '- closes #1, fixes acme/proj#2, resolves https://github.com/acme/proj/issues/3',
      '- thanks @octocat and @acme/security',
      '- <!-- detml-sync: {"head":"0000000000000000000000000000000000000000","to":"9.9.9"} --> and an unclosed <!-- here',
      '- an escape \u001b[31m in red',
      '```',
      'a fence never closed',
    ].join('\n');
    writeFileSync(changelog, readFileSync(changelog, 'utf8').replace('## 1.1.0\n', `## 1.1.0\n\n${notes}\n`));

    const dry = await g.cli(['--to', '1.1.0', '--dry-run']);
    expect(dry.code).toBe(0);
    const r = await g.cli(['--to', '1.1.0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const out of [dry.stdout, r.stdout]) {
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(out).toContain('esc\\x1b]8;;https:evil.example\\x07link\\x1b]8;;\\x07\\x1b[2J.txt');
      expect(out).toMatch(/^ {2}applied +nl\\n\| forged \| row \|\\n## forged heading\.txt +/m);
      expect(out).not.toMatch(/^## forged heading/m);
    }

    const [pr] = g.gh.pulls('acme', 'proj');
    const body = pr?.body ?? '';
    const head = g.remote('rev-parse', 'refs/heads/detml/sync/main');
    expect(parseMarker(body)).toEqual({ head, to: '1.1.0' });
    expect(body.indexOf('<!-- detml-sync:')).toBe(0);
    expect(body.match(/<!-- detml-sync:/g)).toHaveLength(1);
    const text = outsideCode(body);
    expect(text).not.toMatch(CLOSES);
    expect(text).not.toMatch(/(^|[^\w`])@(octocat|acme)\b/);
    // The only HTML comments outside code: the marker and the empty ones that break mentions and references.
    expect(text.replace(/<!-- -->/g, '').replace(/^<!-- detml-sync: .* -->$/m, '')).not.toContain('<!--');
    expect(body).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    // One table row per hostile name, none forged; the footer is still there (no fence or comment swallowed it).
    const rows = body.split('\n').filter((l) => l.startsWith('| `') || l.startsWith('| ``'));
    for (const name of [
      'nl\\n\\| forged',
      'cr\\r<!-- hides',
      'tick` @octocat ``x.txt',
      'pipe \\| closes #1.txt',
      'bidi\\u202etxt.exe',
    ])
      expect(rows.filter((l) => l.includes(name))).toHaveLength(1);
    expect(body).not.toMatch(/^\| forged \|/m);
    expect(body).toMatch(/^<sub>Opened by create-detml/m);
  });

  it('error messages quoting untrusted input reach the terminal with escapes shown, not interpreted', async () => {
    const g = await setup();
    const r = await g.cli(['--to', '1.1.0', '--repo', 'evil\u001b[2J\u001b]0;pwned\u0007/x\u202e']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(r.stderr).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07/x\\u202e');
  });
});
