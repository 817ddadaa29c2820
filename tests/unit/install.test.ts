import { describe, expect, it } from 'vitest';
import { detectPackageManager, installCommand } from '../../src/install.ts';

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

  it('uses npm ci when the template ships a lockfile, so the lockfile is never rewritten', () => {
    expect(installCommand('npm', true)).toEqual(['npm', ['ci', '--no-audit', '--no-fund']]);
    expect(installCommand('npm', false)).toEqual(['npm', ['install']]);
    expect(installCommand('pnpm', true)).toEqual(['pnpm', ['install']]);
    expect(installCommand('yarn', true)).toEqual(['yarn', []]);
  });
});
