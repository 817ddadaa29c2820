import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../src/errors.ts';
import { extractTarball, npmPack } from '../src/install.ts';
import { loadManifest } from '../src/templates/manifest.ts';
import { builtinDir, resolveTemplate, type ResolvedTemplate, type TemplateSource } from '../src/templates/registry.ts';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../src/version.ts';

/**
 * Finds the exact template version a project was created from, so it can be re-rendered byte for byte:
 * from the template root when given, from this package when it ships that version, otherwise from the immutable
 * published tarball of the create-detml version that created the project (downloaded once, then cached).
 */
export async function resolveRecordedTemplate(id: string, version: string, generatorVersion: string, source: TemplateSource): Promise<ResolvedTemplate> {
  if (source.templateRoot) return resolveTemplate(id, source, version);
  const shipped = join(builtinDir(), id);
  if (existsSync(join(shipped, 'template.json')) && loadManifest(shipped).version === version) return resolveTemplate(id, {}, version);
  const packageDir = await publishedPackage(generatorVersion);
  const dir = join(packageDir, 'templates', id);
  if (!existsSync(join(dir, 'template.json'))) throw new UserError(`${GENERATOR_NAME}@${generatorVersion} has no template "${id}".`);
  const manifest = loadManifest(dir);
  if (manifest.version !== version) {
    throw new UserError(`${GENERATOR_NAME}@${generatorVersion} ships ${id}@${manifest.version}, not ${version} as the state file says; pass --template-root with ${id}@${version}.`);
  }
  return { dir, manifest };
}

/** A target template with the create-detml version that ships it: the version the new render pins and records. */
export type TargetTemplate = ResolvedTemplate & { generatorVersion: string };

/**
 * Finds the version to sync to: from the template root, from a published create-detml (`--templates-from latest`,
 * how the generated sync workflow runs a pinned tool against the newest templates), or from this package.
 */
export async function resolveTargetTemplate(id: string, to: string | undefined, source: TemplateSource): Promise<TargetTemplate> {
  if (source.templateRoot || !source.templatesFrom) return { ...resolveTemplate(id, source, to), generatorVersion: GENERATOR_VERSION };
  const packageDir = await publishedPackage(source.templatesFrom);
  const dir = join(packageDir, 'templates', id);
  if (!existsSync(join(dir, 'template.json'))) throw new UserError(`${GENERATOR_NAME}@${source.templatesFrom} has no template "${id}".`);
  const manifest = loadManifest(dir);
  if (to && manifest.version !== to) throw new UserError(`${GENERATOR_NAME}@${source.templatesFrom} ships ${id}@${manifest.version}, not ${to}.`);
  // The project then pins (and its state records) the package its templates came from, so the next sync finds
  // this template version in that package's tarball.
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { dir, manifest, generatorVersion: version };
}

/** The cache folder for published packages: DETML_CACHE_DIR, else $XDG_CACHE_HOME/create-detml, else ~/.cache/create-detml. */
export function cacheDir(): string {
  return process.env.DETML_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-detml');
}

// A published version is immutable, so an exact version is downloaded once; a dist-tag moves, so it is resolved
// by downloading and then cached under the version it turned out to be.
async function publishedPackage(spec: string): Promise<string> {
  const exact = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(spec);
  const cached = join(cacheDir(), `${GENERATOR_NAME}@${spec}`);
  if (exact && existsSync(join(cached, 'package.json'))) return cached;
  mkdirSync(cacheDir(), { recursive: true });
  const scratch = mkdtempSync(join(cacheDir(), '.download-'));
  try {
    // DETML_TARBALL_DIR holds create-detml-<version>.tgz files, for offline use and tests.
    const local = process.env.DETML_TARBALL_DIR && join(process.env.DETML_TARBALL_DIR, `${GENERATOR_NAME}-${spec}.tgz`);
    const tarball = local && existsSync(local) ? local : await npmPack(GENERATOR_NAME, spec, scratch);
    await extractTarball(tarball, scratch);
    const version = (JSON.parse(readFileSync(join(scratch, 'package', 'package.json'), 'utf8')) as { version: string }).version;
    const target = join(cacheDir(), `${GENERATOR_NAME}@${version}`);
    // Publish the extracted package with one rename, so an interrupted download never leaves a partial cache entry.
    if (!existsSync(target)) renameSync(join(scratch, 'package'), target);
    return target;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
