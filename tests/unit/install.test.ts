import { describe, expect, it } from 'vitest';
import { detectPackageManager, installCommand, lockedManagerNote } from '../../src/install.ts';

describe('package manager detection and install command', () => {
  it.each([
    ['npm/11.19.1 node/v20.20.2 linux x64 workspaces/false', 'npm'],
    ['pnpm/9.12.0 npm/? node/v20.20.2 linux x64', 'pnpm'],
    ['yarn/1.22.22 npm/? node/v20.20.2 linux x64', 'yarn'],
    ['bun/1.1.0 npm/? node/v20.20.2 linux x64', 'bun'],
    [undefined, 'npm'],
    ['', 'npm'],
  ])('%s -> %s', (agent, pm) => {
    expect(detectPackageManager(agent)).toBe(pm);
  });

  it('uses npm ci whenever the template ships an npm lockfile, whichever manager ran create', () => {
    for (const pm of ['npm', 'pnpm', 'yarn', 'bun'] as const)
      expect(installCommand(pm, true)).toEqual(['npm', ['ci', '--no-audit', '--no-fund']]);
    expect(installCommand('npm', false)).toEqual(['npm', ['install']]);
    expect(installCommand('pnpm', false)).toEqual(['pnpm', ['install']]);
    expect(installCommand('yarn', false)).toEqual(['yarn', []]);
  });

  it('tells pnpm, yarn and bun users plainly that an npm-locked project uses npm', () => {
    expect(lockedManagerNote('npm', true)).toBeUndefined();
    expect(lockedManagerNote('pnpm', false)).toBeUndefined();
    for (const pm of ['pnpm', 'yarn', 'bun'] as const)
      expect(lockedManagerNote(pm, true)).toMatch(new RegExp(`uses npm, not ${pm}.*do not add a ${pm} lockfile`));
  });
});
