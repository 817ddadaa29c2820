import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GITHUB_BODY_LIMIT } from '../../sync/pr-body.ts';
import { checkedGithubProject } from '../helpers/fake-github/checked.ts';

// Every request create-detml sent and every response the fake built must match GitHub's OpenAPI description.
const setup = checkedGithubProject;

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

describe('PR bodies fit GitHub (built CLI, real git smart HTTP, fake GitHub enforcing the 65,536-character limit)', () => {
  it('the fake refuses an oversized body with GitHub’s 422', async () => {
    const g = await setup();
    const res = await fetch(`${g.gh.apiUrl}/repos/acme/proj/pulls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${g.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ head: 'main', base: 'main', title: 't', body: 'x'.repeat(GITHUB_BODY_LIMIT + 1) }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      message: 'Validation Failed',
      errors: [{ field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
    });
  });

  it('hundreds of conflicts with long names and a huge changelog: PR created within the limit, full report on the branch, rerun keeps the same PR', async () => {
    const g = await setup();
    const t = g.p.templateRoot;
    // 500 files the project and both template versions all changed differently: three-way conflicts.
    const names = Array.from(
      { length: 500 },
      (_, i) => `conflicts/${'n'.repeat(150)}-${String(i).padStart(4, '0')}.txt`,
    );
    for (const name of names) {
      write(join(t, 'demo@1.0.0/files', name), 'base\n');
      write(join(t, 'demo@1.1.0/files', name), 'template\n');
      g.p.write(name, 'yours\n');
    }
    g.p.commit('edit generated files');
    g.publish();
    appendFileSync(
      join(t, 'demo@1.1.0/CHANGELOG.md'),
      `\n## 1.0.5\n\n${'- a long release note line for the record\n'.repeat(3000)}`,
    );
    const huge = `## 1.1.0\n\n${'- another long line of release notes, with @someone and #5\n'.repeat(2500)}`;
    const changelog = join(t, 'demo@1.1.0/CHANGELOG.md');
    writeFileSync(
      changelog,
      (await import('node:fs')).readFileSync(changelog, 'utf8').replace('## 1.1.0\n', `${huge}\n`),
    );

    const first = await g.cli(['--to', '1.1.0', '--allow-conflicts']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Opened draft pull request #1 \(detml\/sync\/main\)/m);
    const [pr] = g.gh.pulls('acme', 'proj');
    expect(pr?.body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(pr?.body).toContain('**This update has conflicts in 500 files.**');
    const head = g.remote('rev-parse', 'refs/heads/detml/sync/main');
    expect(pr?.body).toContain(`(${g.gh.url}/acme/proj/blob/${head}/.detml/sync-report.md)`);
    const report = g.remote('show', `${head}:.detml/sync-report.md`);
    for (const name of names) expect(report).toContain(name);
    expect(report).toContain('#### 1.0.5');
    expect(report.split('another long line of release notes').length - 1).toBe(2500);

    const again = await g.cli(['--to', '1.1.0', '--allow-conflicts']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Pull request is already up to date: #1/m);
    expect(g.gh.pulls('acme', 'proj')).toHaveLength(1);
    expect(g.remote('rev-parse', 'refs/heads/detml/sync/main')).toBe(head);
    expect(g.gh.calls.filter((c) => c.status === 422)).toEqual([]);
  });
});
