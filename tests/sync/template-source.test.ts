import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRecordedTemplate, resolveTargetTemplate } from '../../sync/template-source.ts';
import { HISTORY } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env.DETML_TARBALL_DIR = saved.DETML_TARBALL_DIR;
  process.env.DETML_CACHE_DIR = saved.DETML_CACHE_DIR;
  if (saved.DETML_TARBALL_DIR === undefined) delete process.env.DETML_TARBALL_DIR;
  if (saved.DETML_CACHE_DIR === undefined) delete process.env.DETML_CACHE_DIR;
});

/** Packs a fake published create-detml@<version> whose templates/demo is the fixture's demo@1.0.0, as npm pack would. */
function publishedTarball(version: string, file = version, templateVersion = '1.0.0'): string {
  const root = tempDir();
  const pkg = join(root, 'package');
  mkdirSync(join(pkg, 'templates'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'create-detml', version }));
  cpSync(join(HISTORY, `demo@${templateVersion}`), join(pkg, 'templates', 'demo'), { recursive: true });
  const out = join(root, 'tarballs');
  mkdirSync(out);
  execFileSync('tar', ['-czf', join(out, `create-detml-${file}.tgz`), '-C', root, 'package']);
  return out;
}

describe('old template versions come from the published package that created the project', () => {
  it('extracts the tarball once into the cache and reuses it', async () => {
    const tarballs = publishedTarball('0.0.9');
    process.env.DETML_TARBALL_DIR = tarballs;
    process.env.DETML_CACHE_DIR = join(tempDir(), 'cache');
    const first = await resolveRecordedTemplate('demo', '1.0.0', '0.0.9', {});
    expect(first.manifest.version).toBe('1.0.0');
    expect(first.dir).toBe(join(process.env.DETML_CACHE_DIR, 'create-detml@0.0.9', 'templates', 'demo'));
    rmSync(tarballs, { recursive: true });
    const again = await resolveRecordedTemplate('demo', '1.0.0', '0.0.9', {});
    expect(again.dir).toBe(first.dir);
  });

  it('refuses when the package holds another version of the template than the state file says', async () => {
    process.env.DETML_TARBALL_DIR = publishedTarball('0.0.8');
    process.env.DETML_CACHE_DIR = join(tempDir(), 'cache');
    await expect(resolveRecordedTemplate('demo', '1.0.1', '0.0.8', {})).rejects.toThrow('create-detml@0.0.8 ships demo@1.0.0, not 1.0.1 as the state file says; pass --template-root with demo@1.0.1.');
  });
});

describe('--templates-from: target versions from a published create-detml', () => {
  it('resolves a dist-tag to the version it names and caches it under that version', async () => {
    process.env.DETML_TARBALL_DIR = publishedTarball('0.2.0', 'latest', '1.1.0');
    process.env.DETML_CACHE_DIR = join(tempDir(), 'cache');
    const next = await resolveTargetTemplate('demo', undefined, { templatesFrom: 'latest' });
    expect(next.manifest.version).toBe('1.1.0');
    expect(next.dir).toBe(join(process.env.DETML_CACHE_DIR, 'create-detml@0.2.0', 'templates', 'demo'));
    expect(next.generatorVersion).toBe('0.2.0'); // what the new render pins and the new state records
    await expect(resolveTargetTemplate('demo', '1.2.0', { templatesFrom: 'latest' })).rejects.toThrow('create-detml@latest ships demo@1.1.0, not 1.2.0.');
  });
});
