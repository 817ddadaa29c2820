import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/system.ts';
import { tempDir } from '../helpers/tmp.ts';

const AGENTS = {
  pnpm: 'pnpm/9.12.0 npm/? node/v20.20.2 linux x64',
  yarn: 'yarn/1.22.22 npm/? node/v20.20.2 linux x64',
  bun: 'bun/1.1.0 npm/? node/v20.20.2 linux x64',
} as const;

/** Fake npm, pnpm, yarn and bun first on PATH: each appends its name and argv to a log and installs nothing. */
function fakeManagers(root: string): { path: string; calls: () => string[] } {
  const bin = join(root, 'fake-bin');
  mkdirSync(bin);
  const log = join(root, 'calls.log');
  for (const pm of ['npm', 'pnpm', 'yarn', 'bun']) {
    writeFileSync(join(bin, pm), `#!/bin/sh\necho "${pm} $*" >> "${log}"\n`);
    chmodSync(join(bin, pm), 0o755);
  }
  return {
    path: `${bin}:${process.env.PATH}`,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

// tfjs ships package-lock.json and an .npmrc (omit=optional) that keeps npm from downloading libtensorflow-gpu;
// pnpm and yarn read neither, so they would resolve afresh, write a second lockfile and start the GPU download.
describe.each(Object.keys(AGENTS) as (keyof typeof AGENTS)[])('%s create detml on an npm-locked template', (pm) => {
  it('installs with npm ci from the shipped lockfile and says plainly that the project uses npm', async () => {
    const root = tempDir();
    const managers = fakeManagers(root);
    const r = await startCli(['app', '--template', 'tfjs', '--yes', '--no-git'], {
      cwd: root,
      env: { npm_config_user_agent: AGENTS[pm], PATH: managers.path },
    }).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(managers.calls()).toEqual(['npm ci --no-audit --no-fund']);
    expect(r.stdout).toContain('Installing dependencies: npm ci --no-audit --no-fund');
    expect(r.stdout).toContain(
      `This project is locked with npm (package-lock.json, which its CI installs with npm ci), so it uses npm, not ${pm}: run its scripts with npm, and do not add a ${pm} lockfile.`,
    );
    const files = readdirSync(join(root, 'app'));
    expect(files.filter((f) => /lock/.test(f))).toEqual(['package-lock.json']);
    expect(readFileSync(join(root, 'app', '.npmrc'), 'utf8')).toMatch(/^omit=optional$/m);
  });

  it('--no-install names npm ci, not a second manager, as the next step', async () => {
    const root = tempDir();
    const managers = fakeManagers(root);
    const r = await startCli(['app', '--template', 'tfjs', '--yes', '--no-git', '--no-install'], {
      cwd: root,
      env: { npm_config_user_agent: AGENTS[pm], PATH: managers.path },
    }).done;
    expect(r.code).toBe(0);
    expect(managers.calls()).toEqual([]);
    expect(r.stdout).toMatch(/Next steps:\n {2}cd app\n {2}npm ci --no-audit --no-fund\n {2}npm test\n/);
    expect(r.stdout).not.toContain(`${pm} install`);
    expect(r.stdout).toContain(`so it uses npm, not ${pm}`);
  });
});
