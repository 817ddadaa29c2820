// Downloads the last published create-detml through the npm client itself, so the registry URL, .npmrc settings
// and the tarball's integrity check are npm's own.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../src/errors.ts';
import { extractTarball } from '../src/install.ts';

/** Which published package to compare with: a name, a dist-tag (or version) and the registry (npm's own when unset). */
export interface PublishedSpec {
  name: string;
  tag: string;
  registry?: string | undefined;
}

/** A published package unpacked on disk: its exact version and the folder holding its package.json. */
export interface PublishedPackage {
  version: string;
  dir: string;
}

/** Unpacks the package the tag names into `scratch`; undefined when the registry has never seen the package. */
export async function fetchPublished(spec: PublishedSpec, scratch: string): Promise<PublishedPackage | undefined> {
  const registry = spec.registry ? ['--registry', spec.registry] : [];
  const view = await execa('npm', ['view', `${spec.name}@${spec.tag}`, 'version', '--json', ...registry], {
    reject: false,
  });
  if (view.exitCode !== 0) {
    if (/\bE404\b/.test(`${view.stdout}\n${view.stderr}`)) return undefined;
    throw new UserError(
      `Cannot ask the registry for ${spec.name}@${spec.tag}: ${firstLine(view.stderr || view.stdout)}`,
    );
  }
  const version = parseVersion(view.stdout, spec);
  if (version === undefined) return undefined; // a package whose tag names nothing: nothing published to compare with
  const destination = join(scratch, 'tarball');
  mkdirSync(destination, { recursive: true });
  const pack = await execa(
    'npm',
    ['pack', `${spec.name}@${version}`, '--pack-destination', destination, '--json', ...registry],
    { reject: false, cwd: destination },
  );
  if (pack.exitCode !== 0)
    throw new UserError(`Cannot download ${spec.name}@${version}: ${firstLine(pack.stderr || pack.stdout)}`);
  const [info] = JSON.parse(pack.stdout) as { filename: string }[];
  if (!info?.filename || info.filename.includes('/'))
    throw new UserError(`npm pack ${spec.name}@${version} named no tarball.`);
  const unpacked = join(scratch, 'unpacked');
  mkdirSync(unpacked);
  await extractTarball(join(destination, info.filename), unpacked);
  const dir = join(unpacked, 'package');
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  if (manifest.name !== spec.name || manifest.version !== version) {
    throw new UserError(
      `The registry's tarball for ${spec.name}@${version} holds ${String(manifest.name)}@${String(manifest.version)}.`,
    );
  }
  return { version, dir };
}

// `npm view --json` prints a JSON string for one version, an array when a range matched several, nothing for none.
function parseVersion(stdout: string, spec: PublishedSpec): string | undefined {
  if (!stdout.trim()) return undefined;
  const parsed = JSON.parse(stdout) as unknown;
  const version = Array.isArray(parsed) ? parsed.at(-1) : parsed;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new UserError(`The registry answered ${JSON.stringify(parsed)} for ${spec.name}@${spec.tag}, not a version.`);
  }
  return version;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() && !/^npm (warn|notice)/i.test(l))
      ?.replace(/^npm error /, '')
      .trim() ?? 'no answer'
  );
}
