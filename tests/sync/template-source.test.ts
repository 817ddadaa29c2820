import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { forgetResolvedPackages, resolveRecordedTemplate, resolveTargetTemplate } from '../../sync/template-source.ts';
import {
  type FakeNpmRegistry,
  isolateRegistryRuns,
  packageTarball,
  sri,
  startNpmRegistry,
} from '../helpers/npm-registry.ts';
import { tempDir } from '../helpers/tmp.ts';

isolateRegistryRuns();

// Each test gets its own registry, npm cache and create-detml cache.
async function registry(): Promise<FakeNpmRegistry> {
  const r = await startNpmRegistry();
  Object.assign(process.env, r.env, { DETML_CACHE_DIR: join(tempDir(), 'cache') });
  delete process.env.DETML_TARBALL_DIR;
  return r;
}

describe('old template versions come from the published package that created the project', () => {
  beforeEach(() => forgetResolvedPackages());

  it('downloads once, verified against the registry, then reuses the cached tarball without downloading again', async () => {
    const r = await registry();
    const integrity = r.publish('0.0.9', packageTarball('0.0.9'));
    const first = await resolveRecordedTemplate('demo', '1.0.0', { version: '0.0.9' }, {});
    expect(first.manifest.version).toBe('1.0.0');
    expect(first.generator).toEqual({ version: '0.0.9', integrity });
    forgetResolvedPackages(); // as a later run would
    const again = await resolveRecordedTemplate('demo', '1.0.0', { version: '0.0.9', integrity }, {});
    expect(again.manifest.version).toBe('1.0.0');
    expect(r.tarballFetches()).toBe(1);
  });

  it('refuses when the package holds another version of the template than the state file says', async () => {
    const r = await registry();
    r.publish('0.0.8', packageTarball('0.0.8'));
    await expect(resolveRecordedTemplate('demo', '1.0.1', { version: '0.0.8' }, {})).rejects.toThrow(
      'create-detml@0.0.8 ships demo@1.0.0, not 1.0.1 as the state file says; pass --template-root with demo@1.0.1.',
    );
  });

  it('refuses a registry tarball whose bytes are not its advertised dist.integrity', async () => {
    const r = await registry();
    r.publish('0.0.7', packageTarball('0.0.7'), { integrity: sri(packageTarball('0.0.7', '1.1.0')) });
    await expect(resolveRecordedTemplate('demo', '1.0.0', { version: '0.0.7' }, {})).rejects.toThrow(
      /create-detml@0.0.7/,
    );
  });

  it('refuses a version whose registry integrity differs from the one the state file recorded at create', async () => {
    const r = await registry();
    r.publish('0.0.6', packageTarball('0.0.6'));
    const recorded = sri(Buffer.from('the bytes the project was really made with'));
    await expect(
      resolveRecordedTemplate('demo', '1.0.0', { version: '0.0.6', integrity: recorded }, {}),
    ).rejects.toThrow(
      /The registry's create-detml@0.0.6 \(sha512-.{15}…\) is not the one this project was created with/,
    );
    expect(r.tarballFetches()).toBe(0);
  });

  it('takes exact versions from DETML_TARBALL_DIR, checked against the recorded integrity', async () => {
    const dir = tempDir();
    const bytes = packageTarball('0.0.5');
    writeFileSync(join(dir, 'create-detml-0.0.5.tgz'), bytes);
    Object.assign(process.env, {
      DETML_TARBALL_DIR: dir,
      DETML_CACHE_DIR: join(tempDir(), 'cache'),
      npm_config_registry: 'http://127.0.0.1:9/',
    });
    expect(
      (await resolveRecordedTemplate('demo', '1.0.0', { version: '0.0.5', integrity: sri(bytes) }, {})).manifest
        .version,
    ).toBe('1.0.0');
    forgetResolvedPackages();
    await expect(
      resolveRecordedTemplate('demo', '1.0.0', { version: '0.0.5', integrity: sri(Buffer.from('other')) }, {}),
    ).rejects.toThrow(/The local tarball of create-detml@0.0.5/);
  });
});

describe('--templates-from: target versions from a published create-detml', () => {
  it('resolves a dist-tag to the version it names, once per run', async () => {
    const r = await registry();
    r.publish('0.1.0', packageTarball('0.1.0'));
    const integrity = r.publish('0.2.0', packageTarball('0.2.0', '1.1.0'), { tag: 'latest' });
    const next = await resolveTargetTemplate('demo', undefined, { templatesFrom: 'latest' });
    expect(next.manifest.version).toBe('1.1.0');
    expect(next.generator).toEqual({ version: '0.2.0', integrity });
    expect(next.generatorVersion).toBe('0.2.0'); // what the new render pins and the new state records
    await expect(resolveTargetTemplate('demo', '1.2.0', { templatesFrom: 'latest' })).rejects.toThrow(
      'create-detml@latest ships demo@1.1.0, not 1.2.0.',
    );
    expect(r.tarballFetches()).toBe(1);
  });

  it.each(['file:../x', '^1.0.0', 'x.tgz', 'https://example.com/x.tgz', 'v1.2.3'])(
    'refuses --templates-from %j before running npm',
    async (spec) => {
      const r = await registry();
      await expect(resolveTargetTemplate('demo', undefined, { templatesFrom: spec })).rejects.toThrow(
        '--templates-from takes an exact version (1.2.3) or a dist-tag (latest)',
      );
      expect(r.requests).toEqual([]);
    },
  );
});
