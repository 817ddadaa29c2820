/* eslint-disable no-control-regex -- these tests look for control characters in what reaches GitHub and the terminal */
import { describe, expect, it } from 'vitest';
import { prBody, prReport, prTitle, type PrBodyInput } from '../../sync/pr-body.ts';
import { changelogBetween, neutralizeMarkdown } from '../../sync/pr-changelog.ts';
import { parseMarker } from '../../sync/pr-marker.ts';

const input: PrBodyInput = {
  template: 'demo',
  from: '1.0.0',
  to: '1.2.0',
  head: 'a'.repeat(40),
  branch: 'detml/sync/main',
  base: 'main',
  generator: 'create-detml 0.1.0',
  notes: ['answer threads added with its default 2'],
  changelog: [
    { version: '1.2.0', text: '- New answer `threads` (thanks @alice, see #12).' },
    {
      version: '1.1.0',
      text: '## Fixes\n- Better | defaults by @octocat; mail me at dev@example.com.\n```\n@not-a-mention\n```',
    },
  ],
  plan: [
    { path: 'untouched.txt', status: 'applied', ownership: 'merged', reason: 'template change' },
    { path: 'README.md', status: 'merged', ownership: 'merged', reason: 'your edits and the template change combined' },
    {
      path: 'config.txt',
      status: 'conflicted',
      ownership: 'merged',
      reason: 'you and the template changed the same lines: resolve the conflict markers',
    },
    {
      path: 'deleteme-edited.txt',
      status: 'kept',
      ownership: 'merged',
      reason: 'the template removed it, but you edited it: kept',
    },
    { path: 'deleteme.txt', status: 'deleted', ownership: 'merged', reason: 'removed by the template' },
    {
      path: 'goldens/README.md',
      status: 'skipped',
      ownership: 'seeded',
      reason: 'seeded file: it is yours after create; sync never changes it',
    },
    {
      path: 'package-lock.json',
      status: 'needs-relock',
      ownership: 'merged',
      reason:
        'lockfiles are never text-merged: regenerate it from the merged package.json (e.g. npm install) and commit',
    },
  ],
};

describe('PR title and body (pure)', () => {
  it('title names template and versions', () => {
    expect(prTitle(input)).toBe('detml: update demo template 1.0.0 -> 1.2.0');
  });

  it('body for a plan with every status', () => {
    expect(prBody(input)).toMatchInlineSnapshot(`
      "<!-- detml-sync: {"head":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","to":"1.2.0"} -->
      ## Update the demo template 1.0.0 → 1.2.0

      create-detml re-rendered the **demo** template at 1.0.0 and 1.2.0 from this project's recorded answers and merged the difference into \`main\` with git's three-way merge, keeping your edits. The commit also updates \`.detml/state.json\`.

      **Summary:** 1 conflicted, 1 needs-relock, 1 kept, 1 skipped, 1 merged, 1 applied, 1 deleted.

      > [!CAUTION]
      > **This update has conflicts in 1 file.** The conflict markers are committed on this branch only. To finish the update:
      > 1. \`git fetch origin detml/sync/main && git switch detml/sync/main\`
      > 2. Resolve the \`<<<<<<<\` / \`>>>>>>>\` markers in:
      >    - \`config.txt\`
      > 3. Commit, push, and mark this pull request ready for review.

      **Lockfiles to regenerate** (never text-merged): \`package-lock.json\`. Run the package manager on this branch and commit the result.

      ### Template changes

      #### 1.2.0

      - New answer \`threads\` (thanks @<!-- -->alice, see #<!-- -->12).

      #### 1.1.0

      ##### Fixes
      - Better | defaults by @<!-- -->octocat; mail me at dev@example.com.
      \`\`\`
      @not-a-mention
      \`\`\`

      ### Files

      | File | Status | Why |
      | --- | --- | --- |
      | \`config.txt\` | conflicted | you and the template changed the same lines: resolve the conflict markers |
      | \`package-lock.json\` | needs-relock | lockfiles are never text-merged: regenerate it from the merged package.json (e.g. npm install) and commit |
      | \`deleteme-edited.txt\` | kept | the template removed it, but you edited it: kept |
      | \`goldens/README.md\` | skipped | seeded file: it is yours after create; sync never changes it |
      | \`README.md\` | merged | your edits and the template change combined |
      | \`untouched.txt\` | applied | template change |
      | \`deleteme.txt\` | deleted | removed by the template |

      ### Notes

      - answer threads added with its default 2

      ---
      <sub>Opened by create-detml 0.1.0 (\`create-detml sync\`). Running sync again updates this PR in place; commits you push to \`detml/sync/main\` are never overwritten. Closing this PR without merging stops create-detml from proposing demo 1.2.0 again.</sub>
      "
    `);
  });

  it('round-trips the hidden marker and ignores bodies without one', () => {
    expect(parseMarker(prBody(input))).toEqual({ head: 'a'.repeat(40), to: '1.2.0' });
    expect(parseMarker('a human PR')).toBeUndefined();
    expect(parseMarker('<!-- detml-sync: {"head":1} -->')).toBeUndefined();
  });

  it('cuts a huge file table to stay under GitHub’s body limit', () => {
    const plan = Array.from({ length: 3000 }, (_, i) => ({
      path: `src/generated/file-${i}.txt`,
      status: 'applied' as const,
      ownership: 'merged' as const,
      reason: 'template change',
    }));
    const body = prBody({ ...input, plan });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(
      /_…and \d+ more files in `\.detml\/sync-report\.md` on this branch \(or run `create-detml sync --dry-run`\)\._/,
    );
  });

  it('budgets every section: thousands of conflicts and relocks and a huge changelog stay under the limit, the rest goes to the report', () => {
    const long = 'x'.repeat(180);
    const plan = [
      ...Array.from({ length: 4000 }, (_, i) => ({
        path: `c/${long}-${i}.txt`,
        status: 'conflicted' as const,
        ownership: 'merged' as const,
        reason: 'both changed',
      })),
      ...Array.from({ length: 2000 }, (_, i) => ({
        path: `l/${long}-${i}/package-lock.json`,
        status: 'needs-relock' as const,
        ownership: 'merged' as const,
        reason: 'relock',
      })),
    ];
    const changelog = Array.from({ length: 50 }, (_, i) => ({
      version: `1.${i}.0`,
      text: `- ${'change '.repeat(2000)}`,
    }));
    const notes = Array.from({ length: 3000 }, (_, i) => `note ${i} ${long}`);
    const big = {
      ...input,
      plan,
      changelog,
      notes,
      reportUrl: 'http://gh.test/acme/proj/blob/abc/.detml/sync-report.md',
    };
    const body = prBody(big);
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body).toContain('**This update has conflicts in 4000 files.**');
    expect(body).toMatch(
      /_…and \d+ more, listed in \[the full report\]\(http:\/\/gh\.test\/acme\/proj\/blob\/abc\/\.detml\/sync-report\.md\)\._/,
    );
    expect(body).toMatch(/more releases in \[the full report\]/);
    expect(body).toMatch(/more notes in \[the full report\]/);
    expect(body).toContain('### Files');
    expect(body.endsWith('</sub>\n')).toBe(true);
    const report = prReport(big) as string;
    for (const r of plan) expect(report).toContain(r.path);
    expect(report).toContain(`- note 2999 ${long}`);
    expect(report).not.toContain('detml-sync:');
    expect(prReport(input)).toBeUndefined();
  });
});

describe('untrusted names and notes cannot inject Markdown', () => {
  const hostile = [
    'a\n| injected | row |\n## heading.txt',
    'cr\r<!-- hide.txt',
    'tick`code`` ```x.txt',
    'pipe|x.txt',
    'esc\u001b]8;;http://evil\u0007link\u001b[31m.txt',
    'rtl\u202etxt.exe',
    '@octocat fixes #1.txt',
  ];
  const plan = hostile.map((path) => ({
    path,
    status: 'conflicted' as const,
    ownership: 'merged' as const,
    reason: `reason\nwith | pipe <!-- and @team closes #3`,
  }));
  const body = prBody({ ...input, plan, notes: ['note\n## not a heading <!--'] });

  it('every file name is one inline code span on one line, controls shown as escapes', () => {
    for (const line of body.split('\n')) expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(body).toContain('| `a\\n\\| injected \\| row \\|\\n## heading.txt` | conflicted |');
    expect(body).toContain('>    - `cr\\r<!-- hide.txt`');
    expect(body).toContain('>    - ```` tick`code`` ```x.txt ````');
    expect(body).toContain('`esc\\x1b]8;;http://evil\\x07link\\x1b[31m.txt`');
    expect(body).toContain('`rtl\\u202etxt.exe`');
    // The table has exactly one row per path, and no line outside code opens an HTML comment.
    expect(body.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(hostile.length);
    expect(
      body
        .replace(/(`+)[^`]*?\1/g, '')
        .replace(/<!-- -->/g, '')
        .replace(/^<!-- detml-sync: .* -->$/m, ''),
    ).not.toContain('<!--');
    expect(body).not.toMatch(/^## heading/m);
    expect(parseMarker(body)).toEqual({ head: 'a'.repeat(40), to: '1.2.0' });
  });

  it('reasons and notes are one cell or item each, neutralised', () => {
    expect(body).toContain('| reason\\nwith \\| pipe &lt;!-- and @<!-- -->team closes #<!-- -->3 |');
    expect(body).toContain('- note\\n## not a heading &lt;!--');
  });
});

describe('template changelog', () => {
  const md =
    '# Changelog\n\n## 1.3.0\n\n- future\n\n## [1.2.0] - 2026-05-01\n\n- two\n\n## v1.1.0\n\n- one\n\n## 1.0.0\n\nFirst.\n';

  it.each([
    ['1.0.0', '1.2.0', ['1.2.0', '1.1.0']],
    ['1.1.0', '1.2.0', ['1.2.0']],
    ['1.0.0', '1.3.0', ['1.3.0', '1.2.0', '1.1.0']],
    ['1.2.0', '1.2.0', []],
  ])('from %s to %s -> %j', (from, to, versions) => {
    expect(changelogBetween(md, from, to).map((e) => e.version)).toEqual(versions);
  });

  it.each([
    ['thanks @octocat', 'thanks @<!-- -->octocat'],
    ['(@team-a) and @b', '(@<!-- -->team-a) and @<!-- -->b'],
    ['mail dev@example.com', 'mail dev@example.com'],
    ['code `@keep` stays', 'code `@keep` stays'],
    ['fixes #12', 'fixes #<!-- -->12'],
    ['# Heading', '##### Heading'],
    ['```\n@inside\n```', '```\n@inside\n```'],
    ['closes #7, fixes acme/other#8 and GH-9', 'closes #<!-- -->7, fixes acme/other#<!-- -->8 and GH-<!-- -->9'],
    [
      'resolves https://github.com/acme/proj/issues/10 and /pull/11',
      'resolves https://github.com/acme/proj/issues/<!-- -->10 and /pull/<!-- -->11',
    ],
    ['hide <!-- the rest', 'hide &lt;!-- the rest'],
    ['odd `` @alice ` tick', 'odd `` @<!-- -->alice ` tick'],
    ['```\nnever closed', '```\nnever closed\n```'],
    ['bell\u0007 and esc\u001b[2J', 'bell\\x07 and esc\\x1b[2J'],
  ])('neutralises %j', (text, expected) => {
    expect(neutralizeMarkdown(text)).toBe(expected);
  });
});
