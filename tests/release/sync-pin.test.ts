// The generated sync workflow runs a pinned create-detml with `--templates-from latest`. The new render pins, and
// the state file records, the create-detml version those templates came from, so the pin moves forward with each
// sync and the next sync finds the recorded template version in that version's tarball.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { GENERATOR_VERSION } from '../../src/version.ts';
import { runSync } from '../../sync/run-sync.ts';
import { createProject, HISTORY } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

const saved = { tarballs: process.env.DETML_TARBALL_DIR, cache: process.env.DETML_CACHE_DIR };
afterEach(() => {
  for (const [key, value] of [['DETML_TARBALL_DIR', saved.tarballs], ['DETML_CACHE_DIR', saved.cache]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Writes create-detml-<file>.tgz: a published create-detml@<version>; with `pin`, its demo template pins its generator. */
function publish(tarballs: string, version: string, file: string, templateVersion: string, pin = true): void {
  const root = tempDir();
  const demo = join(root, 'package', 'templates', 'demo');
  mkdirSync(demo, { recursive: true });
  writeFileSync(join(root, 'package', 'package.json'), JSON.stringify({ name: 'create-detml', version }));
  cpSync(join(HISTORY, `demo@${templateVersion}`), demo, { recursive: true });
  if (pin) writeFileSync(join(demo, 'files', 'pin.txt.hbs'), 'npx create-detml@{{generator.version}} sync\n');
  execFileSync('tar', ['-czf', join(tarballs, `create-detml-${file}.tgz`), '-C', root, 'package']);
}

describe('sync --templates-from latest', () => {
  it('pins and records the version of the package the templates came from, sync after sync', async () => {
    const project = await createProject('1.0.0');
    const tarballs = tempDir();
    process.env.DETML_TARBALL_DIR = tarballs;
    process.env.DETML_CACHE_DIR = join(tempDir(), 'cache');
    // The project's recorded version must be fetchable too: sync re-renders demo@1.0.0 from its creator's package.
    publish(tarballs, GENERATOR_VERSION, GENERATOR_VERSION, '1.0.0', false);
    const sync = () => runSync({ cwd: project.dir, mode: 'local', source: { templatesFrom: 'latest' } });

    publish(tarballs, '0.7.0', 'latest', '1.1.0');
    expect((await sync()).status).toBe('clean');
    expect(project.read('pin.txt')).toBe('npx create-detml@0.7.0 sync\n');
    expect(readState(project.dir).generator.version).toBe('0.7.0');
    project.commit('sync to demo 1.1.0');

    // A later release: the old render (demo@1.1.0) now comes from create-detml@0.7.0, as the state file says.
    publish(tarballs, '0.8.0', 'latest', '1.2.0');
    expect((await sync()).status).toBe('clean');
    expect(project.read('pin.txt')).toBe('npx create-detml@0.8.0 sync\n');
    expect(readState(project.dir).generator.version).toBe('0.8.0');
  });
});
