// What `create` loads decides how fast it starts (bench/README.md, "Where create's start-up went"): a run that needs
// no git, no install and no prompt loads none of the Node modules those need.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.ts';
import { cliEnv } from '../helpers/run-cli.ts';
import { createProject } from '../helpers/sync-project.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Runs the built CLI; returns the Node built-in modules it loaded and the bundle files (dist/**.cjs) it opened. */
function loadedBy(args: string[], cwd: string): { builtins: string[]; bundles: string[] } {
  const record = join(tempDir(), 'record.cjs');
  const out = join(tempDir(), 'modules.json');
  writeFileSync(
    record,
    `const fs = require('node:fs'); const bundles = []; const open = fs.openSync;
    fs.openSync = (path, ...rest) => { if (String(path).endsWith('.cjs')) bundles.push(String(path)); return open(path, ...rest); };
    process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ modules: process.moduleLoadList, bundles })));\n`,
  );
  // Its output goes to files: a pipe or a terminal would load net or tty for process.stdout and process.stderr.
  const [stdout, stderr] = [join(tempDir(), 'stdout.txt'), join(tempDir(), 'stderr.txt')];
  const fds = [openSync(stdout, 'w'), openSync(stderr, 'w')] as const;
  const r = spawnSync(process.execPath, ['--require', record, BIN, ...args], {
    cwd,
    env: cliEnv({ CI: '1' }),
    stdio: ['ignore', ...fds],
  });
  fds.forEach((fd) => closeSync(fd));
  expect(readFileSync(stderr, 'utf8')).toBe('');
  expect(r.status).toBe(0);
  const { modules, bundles } = JSON.parse(readFileSync(out, 'utf8')) as { modules: string[]; bundles: string[] };
  return {
    builtins: modules.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
    bundles: bundles.map((b) => relative(dirname(BIN), b)),
  };
}

const builtinsLoadedBy = (args: string[], cwd: string) => loadedBy(args, cwd).builtins;

describe('what create and sync load', () => {
  it('--help and --version load neither crypto nor vm (the bundle loader is not needed for them)', () => {
    for (const flag of ['--help', '--version']) {
      const loaded = builtinsLoadedBy([flag], tempDir());
      expect(loaded).toContain('fs'); // the list is real
      for (const name of ['crypto', 'vm']) expect(loaded, flag).not.toContain(name);
    }
  });

  it('--yes --no-git --no-install loads no child_process (nor the dgram it brings), and none of the modules yeoman loads only for diagnostics', () => {
    const loaded = builtinsLoadedBy(['p', '--template', 'onnx', '--yes', '--no-git', '--no-install'], tempDir());
    expect(loaded).toContain('crypto'); // the list is real: the state file's digests are computed with it
    for (const name of ['child_process', 'dgram']) expect(loaded).not.toContain(name);
    // debug and chalk would load tty (and net), mem-fs-editor's checks assert, its copies fs/promises (and readline).
    for (const name of ['tty', 'net', 'assert', 'fs/promises', 'readline']) expect(loaded).not.toContain(name);
  });

  it("into a new folder opens create's bundle and its template's tables, no other and none of dist/lazy/; into a folder holding files, the conflicter's too", () => {
    const cwd = tempDir();
    const create = ['--template', 'onnx', '--yes', '--no-git', '--no-install'];
    const tables = ['dist/compiled-templates/_common.cjs', 'dist/compiled-templates/onnx.cjs'];
    expect(loadedBy(['p', ...create], cwd).bundles.sort()).toEqual(['dist/create.cjs', ...tables].sort());
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'README.md'), 'theirs\n');
    expect(loadedBy(['taken', ...create, '--force'], cwd).bundles.sort()).toEqual(
      ['dist/create.cjs', 'dist/lazy/conflicter.cjs', ...tables].sort(),
    );
  });

  it("sync --local opens its own bundle and none of dist/lazy/ (GitHub's client, git porcelain and installs stay unread)", async () => {
    const p = await createProject();
    const { bundles } = loadedBy(['sync', '--local', '--to', '1.1.0', '--template-root', p.templateRoot], p.dir);
    expect(bundles).toContain('dist/sync.cjs'); // the list is real
    expect(bundles.filter((b) => b.startsWith('dist/lazy/'))).toEqual([]);
  });
});
