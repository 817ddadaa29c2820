// The cache of published create-detml tarballs (~/.cache/create-detml). Entries are named by the SRI sha512 of their
// bytes, rehashed on every use and written with one rename, so a planted, truncated or swapped entry is never
// rendered from; the version index is written only with integrities the registry vouched for.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, writeCacheFile } from '../src/cache-dir.ts';
import { UserError } from '../src/errors.ts';
import { extractTarball } from '../src/install.ts';
import { isSha512Integrity } from '../src/state/package-identity.ts';
import { GENERATOR_NAME } from '../src/version.ts';

/** The SRI sha512 of some bytes, in the form npm's dist.integrity uses. */
export function integrityOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** The cached tarball with this integrity, rehashed now; undefined when absent or when its bytes do not match. */
export function readCachedTarball(integrity: string): Buffer | undefined {
  const file = tarballPath(integrity);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  if (integrityOf(bytes) === integrity) return bytes;
  rmSync(file, { force: true }); // corrupt or planted: never used, replaced by the next verified download
  return undefined;
}

/** Stores verified tarball bytes under their own integrity, atomically (temporary file, then one rename). */
export function storeTarball(bytes: Buffer): void {
  writeCacheFile(tarballPath(integrityOf(bytes)), bytes);
}

/** The integrity the registry gave for `version` when it was last downloaded, if any. */
export function indexedIntegrity(version: string): string | undefined {
  const file = join(cacheDir(), 'index', `${GENERATOR_NAME}@${version}`);
  const value = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  return isSha512Integrity(value) ? value : undefined;
}

/** Records the registry's integrity for `version`; only ever called with what the registry itself answered. */
export function indexIntegrity(version: string, integrity: string): void {
  writeCacheFile(join(cacheDir(), 'index', `${GENERATOR_NAME}@${version}`), `${integrity}\n`);
}

const extracted = new Map<string, Promise<string>>();
let scratchRoot: string | undefined;

/**
 * Unpacks verified tarball bytes into a folder private to this process (removed at exit) and returns the package
 * folder; the package must call itself create-detml at `version`. The same bytes are unpacked once per process.
 */
export function extractPackage(bytes: Buffer, version: string): Promise<string> {
  const key = integrityOf(bytes);
  let pending = extracted.get(key);
  if (!pending) {
    pending = unpack(bytes, version);
    extracted.set(key, pending);
    pending.catch(() => extracted.delete(key));
  }
  return pending;
}

async function unpack(bytes: Buffer, version: string): Promise<string> {
  if (!scratchRoot) {
    const root = mkdtempSync(join(tmpdir(), 'create-detml-packages-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    scratchRoot = root;
  }
  const dir = mkdtempSync(join(scratchRoot, 'p-'));
  writeFileSync(join(dir, 'package.tgz'), bytes);
  await extractTarball(join(dir, 'package.tgz'), dir);
  let pkg: { name?: unknown; version?: unknown } = {};
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    // reported below
  }
  if (pkg.name !== GENERATOR_NAME || pkg.version !== version) {
    throw new UserError(
      `The tarball for ${GENERATOR_NAME}@${version} holds ${String(pkg.name)}@${String(pkg.version)}; refusing to use it.`,
    );
  }
  return join(dir, 'package');
}

function tarballPath(integrity: string): string {
  const hex = Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
  return join(cacheDir(), 'tarballs', `sha512-${hex}.tgz`);
}
