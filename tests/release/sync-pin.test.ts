// The generated sync workflow runs a pinned create-detml with `--templates-from latest`. The new render pins, and
// the state file records, the create-detml version those templates came from, so the pin moves forward with each
// sync and the next sync finds the recorded template version in that version's tarball.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { GENERATOR_VERSION } from '../../src/version.ts';
import { runSync } from '../../sync/run-sync.ts';
import { forgetResolvedPackages } from '../../sync/template-source.ts';
import { isolateRegistryRuns, packageTarball, startNpmRegistry } from '../helpers/npm-registry.ts';
import { createProject } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

isolateRegistryRuns();

/** A published create-detml whose demo template pins its generator version in pin.txt. */
const pinning = (version: string, templateVersion: string) =>
  packageTarball(version, templateVersion, (pkg) =>
    writeFileSync(
      join(pkg, 'templates', 'demo', 'files', 'pin.txt.hbs'),
      'npx create-detml@{{generator.version}} sync\n',
    ),
  );

describe('sync --templates-from latest', () => {
  it('pins and records the version of the package the templates came from, sync after sync', async () => {
    const project = await createProject('1.0.0');
    const registry = await startNpmRegistry();
    Object.assign(process.env, registry.env, { DETML_CACHE_DIR: join(tempDir(), 'cache') });
    delete process.env.DETML_TARBALL_DIR;
    // The project's recorded version must be fetchable too: sync re-renders demo@1.0.0 from its creator's package.
    registry.publish(GENERATOR_VERSION, packageTarball(GENERATOR_VERSION, '1.0.0'));
    // Each sync is a new process: the dist-tag is asked again.
    const sync = () => {
      forgetResolvedPackages();
      return runSync({ cwd: project.dir, mode: 'local', source: { templatesFrom: 'latest' } });
    };

    registry.publish('0.7.0', pinning('0.7.0', '1.1.0'), { tag: 'latest' });
    expect((await sync()).status).toBe('clean');
    expect(project.read('pin.txt')).toBe('npx create-detml@0.7.0 sync\n');
    expect(readState(project.dir).generator.version).toBe('0.7.0');
    project.commit('sync to demo 1.1.0');

    // A later release: the old render (demo@1.1.0) now comes from create-detml@0.7.0, as the state file says.
    registry.publish('0.8.0', pinning('0.8.0', '1.2.0'), { tag: 'latest' });
    expect((await sync()).status).toBe('clean');
    expect(project.read('pin.txt')).toBe('npx create-detml@0.8.0 sync\n');
    expect(readState(project.dir).generator.version).toBe('0.8.0');
  }, 120_000);
});
