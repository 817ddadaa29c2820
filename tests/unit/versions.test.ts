import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { compareSemver, isSemver, newestRelease } from '../../src/templates/semver.ts';
import { createProject, type Project } from '../helpers/sync-project.ts';

/** Adds `demo@<version>` to the project's template root: a copy of `from` with only the version changed. */
function release(project: Project, version: string, from = '1.2.0'): void {
  const dir = join(project.templateRoot, `demo@${version}`);
  cpSync(join(project.templateRoot, `demo@${from}`), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'template.json'), 'utf8')) as { version: string };
  writeFileSync(join(dir, 'template.json'), JSON.stringify({ ...manifest, version }));
}

describe('semver precedence (the semver package)', () => {
  it.each([
    ['2.0.0-rc.10', '2.0.0-rc.9', 1],
    ['2.0.0', '2.0.0-rc.10', 1],
    ['2.0.0-rc.1', '1.9.9', 1],
    ['1.10.0', '1.9.0', 1],
    ['2.0.0-alpha', '2.0.0-alpha.1', -1],
    ['1.2.3+build.7', '1.2.3', 0],
    ['1.2.3+a', '1.2.3+b', 0],
  ])('compareSemver(%s, %s) = %i', (a, b, expected) => {
    expect(compareSemver(a, b)).toBe(expected);
    expect(compareSemver(b, a)).toBe(-expected || 0);
  });

  it('accepts strict versions only', () => {
    expect(['1.2.3', '1.2.3-rc.1', '1.2.3+build', '0.0.0-x.7+y'].every(isSemver)).toBe(true);
    expect(['v1.2.3', '1.2', '1.2.3foo', ' 1.2.3', '01.2.3', '1.2.3-'].some(isSemver)).toBe(false);
  });

  it('never picks a prerelease as the default target', () => {
    expect(newestRelease(['1.0.0', '2.0.0-rc.10', '1.2.0+b', '1.1.0'])).toBe('1.2.0+b');
    expect(newestRelease(['2.0.0-rc.1'])).toBeUndefined();
  });
});

describe('template versions in a template root', () => {
  it('resolves the newest release by default, a prerelease only when named, and skips folders that are not semver', async () => {
    const project = await createProject('1.0.0');
    release(project, '1.3.0-rc.9');
    release(project, '1.3.0-rc.10');
    cpSync(join(project.templateRoot, 'demo@1.2.0'), join(project.templateRoot, 'demo@9.9.9junk'), { recursive: true });
    const root = { templateRoot: project.templateRoot };
    expect(resolveTemplate('demo', root).manifest.version).toBe('1.2.0');
    expect(resolveTemplate('demo', root, '1.3.0-rc.10').manifest.version).toBe('1.3.0-rc.10');
    expect(() => resolveTemplate('demo', root, '9.9.9junk')).toThrow(/not in template root/);
  });

  it('sync moves rc.9 to rc.10 (it used to call that a downgrade) and its default target is never a prerelease', async () => {
    const project = await createProject('1.0.0');
    release(project, '1.3.0-rc.9');
    release(project, '1.3.0-rc.10');
    expect((await project.sync()).to).toBe('1.2.0');
    project.commit('sync 1.2.0');
    expect((await project.sync({ to: '1.3.0-rc.9' })).status).not.toBe('up-to-date');
    project.commit('sync rc.9');
    const next = await project.sync({ to: '1.3.0-rc.10' });
    expect([next.from, next.to, next.status]).toEqual(['1.3.0-rc.9', '1.3.0-rc.10', 'clean']);
  });
});

describe('untrusted version text', () => {
  it('sorts an invalid version below every valid one instead of throwing', () => {
    expect(compareSemver('1.2.3:', '0.0.1')).toBe(-1);
    expect(compareSemver('0.0.1', 'garbage')).toBe(1);
    expect(['b', '1.0.0', 'a'].sort(compareSemver)).toEqual(['a', 'b', '1.0.0']);
  });
});
