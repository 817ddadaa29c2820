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
 * The command line that installs a project's dependencies. With npm and a shipped package-lock.json it is
 * `npm ci`: exactly the locked versions, and the lockfile is never rewritten (a plain install may reformat it).
 */
export function installCommand(pm: PackageManager, hasNpmLockfile: boolean): [string, string[]] {
  if (pm === 'npm') return ['npm', hasNpmLockfile ? ['ci', '--no-audit', '--no-fund'] : ['install']];
  return pm === 'yarn' ? ['yarn', []] : [pm, ['install']];
}

/** Installs dependencies in the project, showing the package manager's own output; fails with one clear line. */
export async function installDependencies(dir: string, pm: PackageManager, env: Record<string, string>): Promise<void> {
  const { execa } = await import('execa');
  const { existsSync } = await import('node:fs');
  const [cmd, args] = installCommand(pm, existsSync(`${dir}/package-lock.json`));
  try {
    await execa(cmd, args, { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    throw new UserError(`Installing dependencies failed (${reason}). The project is complete; run "${[cmd, ...args].join(' ')}" in ${dir} to retry.`);
  }
}

/** Unpacks a .tgz into a folder with the system tar. */
export async function extractTarball(tarball: string, destination: string): Promise<void> {
  const { execa } = await import('execa');
  await execa('tar', ['-xzf', tarball, '-C', destination]);
}
