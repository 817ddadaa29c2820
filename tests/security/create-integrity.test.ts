// create records the registry integrity of the create-detml it ran as, so a later sync verifies against those bytes.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ownIntegrity } from '../../src/create/own-integrity.ts';
import { buildState, parseState, serializeState } from '../../src/state/state-file.ts';
import { GENERATOR_VERSION } from '../../src/version.ts';
import { sri, startNpmRegistry } from '../helpers/npm-registry.ts';
import { ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

// Async: the fake registry answers from this process, so a synchronous child would wait on it forever.
const run = promisify(execFile);

describe('generator.integrity in the state file', () => {
  it('npm create from a registry records that registry tarball integrity', async () => {
    const r = await startNpmRegistry();
    const scratch = tempDir('detml-create-integrity-');
    // --ignore-scripts: dist/ is built already, and prepack's rebuild would pull dist/ from under parallel tests.
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
      cwd: ROOT,
    });
    const [info] = JSON.parse(stdout) as { filename: string }[];
    const integrity = r.publish(GENERATOR_VERSION, readFileSync(join(scratch, info!.filename)));
    const work = join(scratch, 'work');
    mkdirSync(work);
    const env: NodeJS.ProcessEnv = { ...process.env, ...r.env, CI: '1', NO_COLOR: '1' };
    delete env.npm_config_user_agent;
    await run(
      'npm',
      [
        'exec',
        '--yes',
        `--package=create-detml@${GENERATOR_VERSION}`,
        '--',
        'create-detml',
        'proj',
        '--template',
        'onnx',
        '--yes',
        '--no-install',
        '--no-git',
      ],
      { cwd: work, env },
    );
    const state = JSON.parse(readFileSync(join(work, 'proj', '.detml', 'state.json'), 'utf8'));
    expect(state.generator).toEqual({ name: 'create-detml', version: GENERATOR_VERSION, integrity });
  }, 180_000);

  it('is recorded only for a registry install of this exact version', () => {
    const dir = tempDir();
    const root = join(dir, 'node_modules', 'create-detml');
    mkdirSync(root, { recursive: true });
    const integrity = sri(Buffer.from('tarball'));
    const lock = (entry: object) =>
      writeFileSync(
        join(dir, 'node_modules', '.package-lock.json'),
        JSON.stringify({ packages: { 'node_modules/create-detml': entry } }),
      );
    const resolved = `https://registry.npmjs.org/create-detml/-/create-detml-${GENERATOR_VERSION}.tgz`;
    lock({ version: GENERATOR_VERSION, resolved, integrity: `${integrity} sha1-abc=` });
    expect(ownIntegrity(root)).toBe(integrity);
    lock({ version: GENERATOR_VERSION, integrity }); // npm exec leaves out a registry's resolved URL
    expect(ownIntegrity(root)).toBe(integrity);
    lock({ version: GENERATOR_VERSION, resolved: `file:../create-detml-${GENERATOR_VERSION}.tgz`, integrity });
    expect(ownIntegrity(root)).toBeUndefined();
    lock({ version: GENERATOR_VERSION, resolved: 'git+ssh://git@github.com/x/create-detml.git#abc', integrity });
    expect(ownIntegrity(root)).toBeUndefined();
    lock({ version: '0.0.1', resolved, integrity });
    expect(ownIntegrity(root)).toBeUndefined();
    expect(ownIntegrity(ROOT)).toBeUndefined(); // from source
  });

  it('round-trips through the state file, and a malformed one is refused', () => {
    const integrity = sri(Buffer.from('tarball'));
    const state = buildState(
      {
        generator: { name: 'create-detml', version: '0.1.0', integrity },
        template: { id: 'onnx', version: '1.0.0' },
        answers: {},
      },
      [],
      () => 'merged',
    );
    const text = serializeState(state);
    expect(JSON.parse(text).generator).toEqual({ name: 'create-detml', version: '0.1.0', integrity });
    expect(parseState(text, 'state.json').generator.integrity).toBe(integrity);
    expect(() => parseState(text.replace(integrity, 'sha1-abc'), 'state.json')).toThrow(
      '$.generator.integrity: must be an npm integrity value',
    );
  });
});
