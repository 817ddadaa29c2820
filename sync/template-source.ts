import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/errors.ts';
import { isDistTag, isExactVersion } from '../src/state/package-identity.ts';
import { loadManifest } from '../src/templates/manifest.ts';
import { builtinDir, resolveTemplate, type ResolvedTemplate, type TemplateSource } from '../src/templates/registry.ts';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../src/version.ts';
import {
  extractPackage,
  indexedIntegrity,
  indexIntegrity,
  integrityOf,
  readCachedTarball,
  storeTarball,
} from './package-cache.ts';
import { downloadTarball, registryDist } from './registry-package.ts';

/** A published create-detml package: its exact version and the SRI sha512 of the tarball it came from. */
export interface PackageIdentity {
  version: string;
  integrity: string;
}

/** A template version and, when it came from a published package, that package (recorded in the new state file). */
export interface SourcedTemplate extends ResolvedTemplate {
  generator?: PackageIdentity;
}

/**
 * Finds the exact template version a project was created from, so it can be re-rendered byte for byte:
 * from the template root when given, from this package when it ships that version, otherwise from the immutable
 * published tarball of the create-detml version that created the project, verified against the integrity the
 * state file recorded (when it has one) and the registry's.
 */
export async function resolveRecordedTemplate(
  id: string,
  version: string,
  generator: { version: string; integrity?: string | undefined },
  source: TemplateSource,
): Promise<SourcedTemplate> {
  if (source.templateRoot) return resolveTemplate(id, source, version);
  const shipped = join(builtinDir(), id);
  if (existsSync(join(shipped, 'template.json')) && loadManifest(shipped).version === version)
    return resolveTemplate(id, {}, version);
  const pkg = await publishedPackage(generator.version, generator.integrity);
  const dir = join(pkg.dir, 'templates', id);
  if (!existsSync(join(dir, 'template.json')))
    throw new UserError(`${GENERATOR_NAME}@${generator.version} has no template "${id}".`);
  const manifest = loadManifest(dir);
  if (manifest.version !== version) {
    throw new UserError(
      `${GENERATOR_NAME}@${generator.version} ships ${id}@${manifest.version}, not ${version} as the state file says; pass --template-root with ${id}@${version}.`,
    );
  }
  return { dir, manifest, generator: pkg.identity };
}

/**
 * True when both renders come from disk (the template root, or this package shipping the recorded version), so
 * resolving them downloads nothing: sync then reads and renders them while git checks the repository.
 */
export function rendersWithoutDownload(id: string, version: string, source: TemplateSource): boolean {
  if (source.templateRoot) return true;
  if (source.templatesFrom) return false;
  try {
    const manifest = JSON.parse(readFileSync(join(builtinDir(), id, 'template.json'), 'utf8')) as { version?: unknown };
    return manifest.version === version;
  } catch {
    return false;
  }
}

/** A target template with the create-detml version that ships it: the version the new render pins and records. */
export type TargetTemplate = SourcedTemplate & { generatorVersion: string };

/**
 * Finds the version to sync to: from the template root, from a published create-detml (`--templates-from latest`,
 * how the generated sync workflow runs a pinned tool against the newest templates), or from this package.
 */
export async function resolveTargetTemplate(
  id: string,
  to: string | undefined,
  source: TemplateSource,
): Promise<TargetTemplate> {
  if (source.templateRoot || !source.templatesFrom)
    return { ...resolveTemplate(id, source, to), generatorVersion: GENERATOR_VERSION };
  const spec = source.templatesFrom;
  if (!isExactVersion(spec) && !isDistTag(spec))
    throw new UserError(`--templates-from takes an exact version (1.2.3) or a dist-tag (latest), got "${spec}".`, 2);
  const pkg = isExactVersion(spec)
    ? await publishedPackage(spec)
    : await publishedPackage(...(await resolveTag(spec)), true);
  const dir = join(pkg.dir, 'templates', id);
  if (!existsSync(join(dir, 'template.json')))
    throw new UserError(`${GENERATOR_NAME}@${spec} has no template "${id}".`);
  const manifest = loadManifest(dir);
  if (to && manifest.version !== to)
    throw new UserError(`${GENERATOR_NAME}@${spec} ships ${id}@${manifest.version}, not ${to}.`);
  // The project then pins (and its state records) the package its templates came from, so the next sync finds
  // this template version in that package's tarball.
  return { dir, manifest, generator: pkg.identity, generatorVersion: pkg.identity.version };
}

/** Forgets what this process resolved and unpacked, as a new process would; for tests that play several runs. */
export function forgetResolvedPackages(): void {
  packages.clear();
  tags.clear();
}

// A dist-tag moves, so it is asked once per process and then handled as the exact version it named.
const tags = new Map<string, Promise<[string, string]>>();
function resolveTag(tag: string): Promise<[string, string]> {
  let pending = tags.get(tag);
  if (!pending) {
    pending = registryDist(tag).then((d) => [d.version, d.integrity]);
    tags.set(tag, pending);
    pending.catch(() => tags.delete(tag));
  }
  return pending;
}

const packages = new Map<string, Promise<{ dir: string; identity: PackageIdentity }>>();
function publishedPackage(
  version: string,
  expected?: string,
  registrySaid = false,
): Promise<{ dir: string; identity: PackageIdentity }> {
  const key = `${version} ${expected ?? ''}`;
  let pending = packages.get(key);
  if (!pending) {
    pending = verifiedTarball(version, expected, registrySaid).then(async (bytes) => ({
      dir: await extractPackage(bytes, version),
      identity: { version, integrity: integrityOf(bytes) },
    }));
    packages.set(key, pending);
    pending.catch(() => packages.delete(key));
  }
  return pending;
}

// The bytes of create-detml@version, checked against `expected` (the state file's record, or the registry's own answer
// for a dist-tag when `registrySaid`) and the registry: from DETML_TARBALL_DIR, from the cache when an entry still
// hashes to the integrity we trust, or downloaded with scripts disabled and stored under its integrity.
async function verifiedTarball(version: string, expected: string | undefined, registrySaid: boolean): Promise<Buffer> {
  if (!isExactVersion(version))
    throw new UserError(`"${version}" is not an exact version of ${GENERATOR_NAME}; refusing to fetch it.`);
  const mismatch = (what: string, actual: string) =>
    new UserError(
      `${what} ${GENERATOR_NAME}@${version} (${actual.slice(0, 22)}…) is not the one this project was created with (${expected?.slice(0, 22)}…); refusing to render from it.`,
    );
  // DETML_TARBALL_DIR holds create-detml-<version>.tgz files the operator put there, for offline use and tests.
  const local =
    process.env.DETML_TARBALL_DIR && join(process.env.DETML_TARBALL_DIR, `${GENERATOR_NAME}-${version}.tgz`);
  if (local && existsSync(local)) {
    const bytes = readFileSync(local);
    if (expected && integrityOf(bytes) !== expected) throw mismatch('The local tarball of', integrityOf(bytes));
    return bytes;
  }
  const known = expected ?? indexedIntegrity(version);
  const cached = known && readCachedTarball(known);
  if (cached) return cached;
  const dist = registrySaid && expected ? { version, integrity: expected } : await registryDist(version);
  if (expected && dist.integrity !== expected) throw mismatch("The registry's", dist.integrity);
  const bytes = readCachedTarball(dist.integrity) ?? (await downloadTarball(version));
  if (integrityOf(bytes) !== dist.integrity) {
    throw new UserError(
      `The downloaded ${GENERATOR_NAME}@${version} does not match the registry's dist.integrity; refusing to use it.`,
    );
  }
  storeTarball(bytes);
  indexIntegrity(version, dist.integrity);
  return bytes;
}
