// Talks to the npm registry through the user's own npm (so their registry, proxy and auth settings apply) for one
// package only, create-detml, and only by exact version or dist-tag, with lifecycle scripts disabled.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/errors.ts';
import { isDistTag, isExactVersion, isSha512Integrity } from '../src/state/package-identity.ts';
import { GENERATOR_NAME } from '../src/version.ts';
import { cacheDir } from '../src/cache-dir.ts';

/** What the registry says about one published version: its exact version and its tarball's dist.integrity. */
export interface RegistryDist {
  version: string;
  integrity: string;
}

/** Asks the registry which version an exact version or dist-tag names, and that tarball's integrity (`npm view`). */
export async function registryDist(spec: string): Promise<RegistryDist> {
  if (!isExactVersion(spec) && !isDistTag(spec))
    throw new UserError(`"${spec}" is neither an exact version nor a dist-tag of ${GENERATOR_NAME}.`, 2);
  const out = await npm(
    ['view', `${GENERATOR_NAME}@${spec}`, 'version', 'dist.integrity', '--json'],
    `look up ${GENERATOR_NAME}@${spec}`,
  );
  let info: { version?: unknown; 'dist.integrity'?: unknown } = {};
  try {
    info = JSON.parse(out || '{}') as typeof info;
  } catch {
    // reported below
  }
  if (!isExactVersion(info.version) || !isSha512Integrity(info['dist.integrity'])) {
    throw new UserError(`The npm registry has no ${GENERATOR_NAME}@${spec} with a sha512 integrity.`);
  }
  if (isExactVersion(spec) && info.version !== spec)
    throw new UserError(`The npm registry answered ${GENERATOR_NAME}@${info.version} for ${spec}.`);
  return { version: info.version, integrity: info['dist.integrity'] };
}

/** Downloads the tarball of an exact version (`npm pack --ignore-scripts`) and returns its bytes, unverified. */
export async function downloadTarball(version: string): Promise<Buffer> {
  if (!isExactVersion(version)) throw new UserError(`"${version}" is not an exact version of ${GENERATOR_NAME}.`, 2);
  const scratch = mkdtempSync(join(cacheDir(), '.download-'));
  try {
    const out = await npm(
      ['pack', `${GENERATOR_NAME}@${version}`, '--ignore-scripts', '--pack-destination', scratch, '--json'],
      `download ${GENERATOR_NAME}@${version}`,
      scratch,
    );
    const [info] = JSON.parse(out) as { filename?: string }[];
    return readFileSync(join(scratch, String(info?.filename)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// npm runs in a folder of ours, never the project, so a repository's .npmrc cannot pick the registry.
async function npm(args: string[], what: string, cwd = cacheDir()): Promise<string> {
  const { execa } = await import('execa');
  mkdirSync(cwd, { recursive: true, mode: 0o700 });
  try {
    return (await execa('npm', [...args, '--silent'], { cwd, env: { npm_config_ignore_scripts: 'true' } })).stdout;
  } catch (error) {
    const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    throw new UserError(
      `Cannot ${what} from the npm registry (${reason.split('\n')[0]}). Check your network or registry settings, or pass --template-root.`,
    );
  }
}
