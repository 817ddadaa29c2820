import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { packageRoot } from '../package-root.ts';
import { isSha512Integrity } from '../state/package-identity.ts';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../version.ts';

/**
 * The registry integrity (SRI sha512) of the create-detml tarball this process runs from, when npm installed it from
 * a registry (npm create / npx / a dependency): npm records it in the install's hidden lockfile,
 * node_modules/.package-lock.json. Undefined when running from source, a link, or a local tarball, whose bytes no
 * registry vouches for. Recorded in the state file so a later sync verifies this version against the same bytes.
 */
export function ownIntegrity(root = packageRoot()): string | undefined {
  const modules = dirname(root);
  if (basename(modules) !== 'node_modules') return undefined;
  let lock: {
    packages?: Record<string, { version?: unknown; resolved?: unknown; integrity?: unknown; link?: unknown }>;
  };
  try {
    lock = JSON.parse(readFileSync(join(modules, '.package-lock.json'), 'utf8')) as typeof lock;
  } catch {
    return undefined;
  }
  const key = relative(dirname(modules), root).split(sep).join('/');
  const entry = lock.packages?.[key];
  if (!entry || entry.link || entry.version !== GENERATOR_VERSION) return undefined;
  // A registry install has an https tarball URL, or none at all (npm exec leaves it out); file:, git and links do not.
  const fromRegistry =
    entry.resolved === undefined ||
    (typeof entry.resolved === 'string' && /^https?:\/\/[^?#]*\.tgz$/.test(entry.resolved));
  if (!fromRegistry) return undefined;
  // npm may list several hashes ("sha512-… sha1-…"); the sha512 one is what the registry's dist.integrity holds.
  const sha512 =
    typeof entry.integrity === 'string' ? entry.integrity.split(/\s+/).find((h) => h.startsWith('sha512-')) : undefined;
  return isSha512Integrity(sha512) ? sha512 : undefined;
}

/** This package as a state file records it: name, version, and its registry integrity when known. */
export function thisGenerator(): { name: string; version: string; integrity?: string } {
  const integrity = ownIntegrity();
  return { name: GENERATOR_NAME, version: GENERATOR_VERSION, ...(integrity ? { integrity } : {}) };
}
