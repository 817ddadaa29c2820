// The package changelog has a section for the package version, and the release workflow's own gate (run here with
// bash, as the runner would) refuses a tag that does not name the version or a version without a section.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as {
  jobs: { publish: { steps: { name?: string; run?: string }[] } };
};
const gate = workflow.jobs.publish.steps.find((s) => s.name?.startsWith('The tag names the package version'))!.run!;

/** Runs the gate the way GitHub runs a `run:` step (bash -e) in a folder with this package.json and changelog. */
async function runGate(tag: string, pkgVersion: string, changelog: string) {
  const dir = tempDir();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'create-detml', version: pkgVersion }));
  writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
  writeFileSync(join(dir, 'gate.sh'), gate);
  return execa('bash', ['-e', 'gate.sh'], { cwd: dir, env: { TAG: tag }, reject: false });
}

describe('CHANGELOG.md', () => {
  it('has a section for the version in package.json', () => {
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(
      new RegExp(`^## ${version.replace(/\./g, '\\.')}( |$)`, 'm'),
    );
  });
});

describe('the release gate', () => {
  const changelog = '# Changelog\n\n## 1.2.0\n\n- x\n\n## 1.1.0\n';
  it('passes a tag that names the version, with its changelog section', async () => {
    expect((await runGate('v1.2.0', '1.2.0', changelog)).exitCode).toBe(0);
  });
  it('refuses a tag that names another version', async () => {
    const run = await runGate('v1.2.1', '1.2.0', changelog);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('::error::tag v1.2.1 does not match package.json version 1.2.0');
  });
  it('refuses a version without a changelog section (dots are not wildcards)', async () => {
    const run = await runGate('v1.3.0', '1.3.0', `${changelog}\n## 1x3x0\n`);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe("::error::CHANGELOG.md has no '## 1.3.0' section");
  });
});
