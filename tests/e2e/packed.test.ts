// `npm create detml` runs the published tarball: pack it, run it through npm exec like npm create does.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';
import { suiteTempDir } from '../helpers/tmp.ts';
// @ts-expect-error: a plain .mjs build script without types
import { LAZY_BUNDLES } from '../../scripts/bundle-plugin.mjs';

describe('the packed package, run as npm create would', () => {
  let scratch = '';
  let tarball = '';
  beforeAll(() => {
    scratch = suiteTempDir('detml-packed-');
    // --ignore-scripts: `npm test` built dist/ already, and prepack's rebuild would pull dist/ from under parallel tests.
    const [info] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    );
    tarball = join(scratch, info.filename);
  }, 120_000);

  it('has no runtime dependencies: everything it needs is bundled in dist/', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('package/bin.cjs');
    for (const bundle of ['main', 'create', 'sync', 'fleet', 'verify', 'pins'])
      expect(listing).toContain(`package/dist/${bundle}.cjs`);
    // What only git, installs, prompts, a folder holding files or mem-fs-editor's globbing use, loaded by create on
    // first use (scripts/bundle-plugin.mjs).
    for (const lazy of [...Object.keys(LAZY_BUNDLES), 'handlebars-compiler'])
      expect(listing).toContain(`package/dist/lazy/${lazy}.cjs`);
    expect(listing).toContain('package/templates/onnx/template.json');
    expect(listing.some((f) => f.startsWith('package/tests/') || f.startsWith('package/src/'))).toBe(false);
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('creates a project with --yes and closed stdin, without hanging', () => {
    const work = join(scratch, 'work');
    execFileSync('mkdir', ['-p', work]);
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
    delete env.npm_config_user_agent;
    const r = spawnSync(
      'npm',
      [
        'exec',
        '--yes',
        `--package=${tarball}`,
        '--',
        'create-detml',
        'from-tarball',
        '--template',
        'onnx',
        '--yes',
        '--no-install',
      ],
      {
        cwd: work,
        env,
        input: '',
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Created onnx@\d+\.\d+\.\d+ project in from-tarball/);
    expect(existsSync(join(work, 'from-tarball', '.detml', 'state.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(work, 'from-tarball', 'package.json'), 'utf8')).name).toBe('from-tarball');
    expect(readdirSync(work)).toEqual(['from-tarball']);
  }, 150_000);
});
