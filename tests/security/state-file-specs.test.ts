// No code from a state file: a generator.version that is a package spec npm would build (file:, git+, a tarball URL)
// is refused in every sync mode before anything runs it, so its lifecycle scripts never execute.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { createProject } from '../helpers/sync-project.ts';
import { suiteTempDir } from '../helpers/tmp.ts';

const root = suiteTempDir('detml-evil-');
const marker = join(root, 'PWNED');

// A package whose every lifecycle script that npm pack/prepare would run writes the marker.
function evilPackage(): string {
  const dir = join(root, 'evil');
  mkdirSync(dir, { recursive: true });
  const script = `node -e "require('fs').writeFileSync('${marker}', 'ran')"`;
  const scripts = {
    prepack: script,
    prepare: script,
    preinstall: script,
    install: script,
    postinstall: script,
    postpack: script,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'create-detml', version: '9.9.9', scripts }));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['-c', 'user.name=x', '-c', 'user.email=x@x', 'add', '-A'], { cwd: dir });
  execFileSync('git', ['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qm', 'evil'], { cwd: dir });
  return dir;
}

const evil = evilPackage();
const SPECS = [
  `file:${evil}`,
  `git+file://${evil}`,
  'http://127.0.0.1:9/create-detml-9.9.9.tgz',
  '../evil',
  'latest',
  '1.0.0 || file:../evil',
  'v1.0.0',
];
const MODES = [['--check'], ['--dry-run'], ['--local'], []];

describe('a state file cannot make sync run code', () => {
  it.each(SPECS)(
    'generator.version %j is refused in every mode, with one line, and no script runs',
    async (spec) => {
      const p = await createProject('1.0.0');
      const state = JSON.parse(p.read('.detml/state.json'));
      state.generator.version = spec;
      p.write('.detml/state.json', `${JSON.stringify(state, null, 2)}\n`);
      p.commit(`state names ${spec}`);
      for (const mode of MODES) {
        // No --template-root: the recorded version is not shipped, so sync would fetch the package the state names.
        const r = await runCli(['sync', ...mode], {
          cwd: p.dir,
          env: {
            GITHUB_TOKEN: 'ghp_x',
            npm_config_registry: 'http://127.0.0.1:9/',
            DETML_TEMPLATE_ROOT: undefined,
            DETML_TARBALL_DIR: undefined,
          },
          timeoutMs: 60_000,
        });
        expect(existsSync(marker), `${spec} ${mode}: a lifecycle script ran`).toBe(false);
        expect(r.code, `${spec} ${mode}: ${r.stderr}`).toBe(1);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(
          `$.generator.version: must be a semver version like 1.2.3 (no "v", nothing after it) (got ${JSON.stringify(spec)})`,
        );
      }
    },
    240_000,
  );
});
