// First step of `npm test`: the suite drives real Debian tools (tmux, shellcheck, pyflakes3, python3, a real image
// registry). On a fresh machine this installs the missing ones when it can (root with apt-get), and otherwise stops
// with one line naming what is missing and how to install it, instead of letting suites fail or skip one by one.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Command the tests run -> the Debian package that provides it. */
export const TOOLS = {
  git: 'git',
  tmux: 'tmux',
  shellcheck: 'shellcheck',
  pyflakes3: 'pyflakes3',
  python3: 'python3',
  'docker-registry': 'docker-registry',
  htpasswd: 'apache2-utils',
  openssl: 'openssl',
};

/** The full path of a command on PATH, or undefined. */
export function which(command, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** The Debian packages of the tools missing from PATH. */
export function missingPackages(env = process.env) {
  return [
    ...new Set(
      Object.entries(TOOLS)
        .filter(([command]) => !which(command, env))
        .map(([, pkg]) => pkg),
    ),
  ];
}

/** Installs what is missing when root with apt-get; returns the packages still missing afterwards. */
export function ensureTools(env = process.env, log = (line) => process.stderr.write(`${line}\n`)) {
  const missing = missingPackages(env);
  const aptGet = which('apt-get', env);
  if (missing.length === 0 || !aptGet || process.getuid?.() !== 0) return missing;
  log(`npm test: installing ${missing.join(' ')} with apt-get`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync(aptGet, args, { env: aptEnv, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  if (run(['update', '-qq'])) run(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  return missingPackages(env);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = ensureTools();
  if (missing.length) {
    const how = !which('apt-get')
      ? 'no apt-get here to install them'
      : process.getuid?.() !== 0
        ? 'run npm test as root to install them with apt-get'
        : 'apt-get could not install them';
    process.stderr.write(
      `npm test needs Debian packages that are not installed: ${missing.join(' ')} (${how}; or: sudo apt-get install ${missing.join(' ')}).\n`,
    );
    process.exit(1);
  }
}
