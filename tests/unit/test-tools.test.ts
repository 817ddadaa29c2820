// `npm test` on a fresh machine: scripts/test-tools.mjs installs the Debian tools the suite drives when it can, or
// stops with one line that names every missing package.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const script = join(ROOT, 'scripts', 'test-tools.mjs');
const run = (PATH: string) =>
  spawnSync(process.execPath, [script], { env: { PATH, HOME: tempDir() }, encoding: 'utf8' });

describe('npm test on a machine without the Debian tools', () => {
  it('fails with one line naming every missing package when it cannot install them', () => {
    const r = run(tempDir());
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'npm test needs Debian packages that are not installed: git tmux shellcheck pyflakes3 python3 docker-registry apache2-utils openssl (no apt-get here to install them; or: sudo apt-get install git tmux shellcheck pyflakes3 python3 docker-registry apache2-utils openssl).\n',
    );
  });

  it.skipIf(process.getuid?.() !== 0)('as root, installs the missing packages with apt-get and goes on', () => {
    const bin = tempDir();
    const log = join(tempDir(), 'apt.log');
    // A stand-in apt-get: records its arguments and "installs" the tools as executables on PATH.
    const commands = ['git', 'tmux', 'shellcheck', 'pyflakes3', 'python3', 'docker-registry', 'htpasswd', 'openssl'];
    writeFileSync(
      join(bin, 'apt-get'),
      `#!${process.execPath}\nconst fs = require('node:fs');\nfs.appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' ') + ' ' + process.env.DEBIAN_FRONTEND + '\\n');\n` +
        `if (process.argv[2] === 'install') for (const c of ${JSON.stringify(commands)}) fs.writeFileSync(${JSON.stringify(bin)} + '/' + c, '', { mode: 0o755 });\n`,
    );
    chmodSync(join(bin, 'apt-get'), 0o755);
    const r = run(bin);
    expect([r.status, r.stderr]).toEqual([
      0,
      'npm test: installing git tmux shellcheck pyflakes3 python3 docker-registry apache2-utils openssl with apt-get\n',
    ]);
    expect(readFileSync(log, 'utf8')).toBe(
      'update -qq noninteractive\ninstall -y -qq --no-install-recommends git tmux shellcheck pyflakes3 python3 docker-registry apache2-utils openssl noninteractive\n',
    );
    expect(run(bin).stderr).toBe('');
  });
});

describe("README's two commands", () => {
  it('.ci/run runs exactly the test command README gives, and npm test runs the static checks first', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const command = /^(npm ci && npm test)\s+#/m.exec(readme)?.[1];
    expect(command).toBe('npm ci && npm test');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(ci.at(-1)).toBe(command);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.test).toBe('node scripts/test-tools.mjs && npm run check && npm run build && vitest run');
    expect(scripts.check).toBe('npm run typecheck && npm run lint && npm run format:check');
    expect([scripts.typecheck, scripts.lint, scripts['format:check']]).toEqual([
      'tsc --noEmit',
      'eslint .',
      'prettier --check .',
    ]);
  });
});
