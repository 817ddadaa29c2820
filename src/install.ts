// The only module that runs package managers (through execa).
import { UserError } from './errors.ts';

/** Package managers we know how to install with. */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** The package manager the user ran us with, from `npm_config_user_agent` (e.g. "pnpm/9.1.0 npm/? node/v20"). */
export function detectPackageManager(userAgent = process.env.npm_config_user_agent): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}

/**
 * The command line that installs a project's dependencies. A shipped package-lock.json means the project is npm's:
 * `npm ci` installs exactly the locked versions and never rewrites the lockfile, whichever manager ran create (pnpm
 * or yarn would resolve afresh and leave a second lockfile with drifted versions beside it).
 */
export function installCommand(pm: PackageManager, hasNpmLockfile: boolean): [string, string[]] {
  if (hasNpmLockfile) return ['npm', ['ci', '--no-audit', '--no-fund']];
  if (pm === 'npm') return ['npm', ['install']];
  return pm === 'yarn' ? ['yarn', []] : [pm, ['install']];
}

/** The plain sentence telling a pnpm/yarn/bun user that the project they created is locked with npm; else undefined. */
export function lockedManagerNote(pm: PackageManager, hasNpmLockfile: boolean): string | undefined {
  if (!hasNpmLockfile || pm === 'npm') return undefined;
  return `This project is locked with npm (package-lock.json, which its CI installs with npm ci), so it uses npm, not ${pm}: run its scripts with npm, and do not add a ${pm} lockfile.`;
}

/**
 * Installs dependencies in the project, showing the package manager's own output; fails with one clear line. The
 * installer runs in its own process group, so Ctrl-C or SIGTERM to create-detml stops it and everything it started,
 * and the interruption note names the command that finishes the install.
 */
export async function installDependencies(dir: string, pm: PackageManager, env: Record<string, string>): Promise<void> {
  const { execa } = await import('execa');
  const { existsSync } = await import('node:fs');
  const { onInterrupt } = await import('./cleanup.ts');
  const [cmd, args] = installCommand(pm, existsSync(`${dir}/package-lock.json`));
  const finish = `cd ${shellQuote(dir)} && ${Object.entries(env)
    .map(([k, v]) => `${k}=${shellQuote(v)} `)
    .join('')}${[cmd, ...args].join(' ')}`;
  const child = execa(cmd, args, { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const unregister = onInterrupt(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    return `dependency installation was stopped. The project itself is complete; finish the install with: ${finish}`;
  });
  try {
    await child;
  } catch (error) {
    const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    throw new UserError(
      `Installing dependencies failed (${reason.split('\n')[0]}). The project is complete; to retry: ${finish}`,
    );
  } finally {
    unregister();
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** Unpacks a .tgz into a folder with the system tar. */
export async function extractTarball(tarball: string, destination: string): Promise<void> {
  const { execa } = await import('execa');
  await execa('tar', ['-xzf', tarball, '-C', destination]);
}
