// The bundles give yeoman's packages stand-ins for modules they load at import but use only for diagnostics, rare
// file calls, globbing or templating (scripts/bundle-swaps.mjs): each must behave as the real one wherever create
// could reach it, and load the real one only when that happens.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { detmlBundlePlugin, lazyBundlesPlugin } from '../../scripts/bundle-plugin.mjs';
import { ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const WATCHED = `const watched = ['assert', 'tty', 'net', 'fs/promises'];
  const loaded = () => watched.filter((m) => process.moduleLoadList.includes('NativeModule ' + m));`;

/**
 * Bundles `body` as create's bundle would bundle a file of `pkg` (the importers the stand-ins are scoped to), with
 * the built dist/lazy/ bundles beside it, runs it in a new Node process, and returns what it printed.
 */
async function runAs(pkg: string, body: string, env: NodeJS.ProcessEnv = {}) {
  const root = tempDir();
  const importer = join(root, 'node_modules', pkg, 'dist', 'probe.js');
  mkdirSync(join(importer, '..'), { recursive: true });
  writeFileSync(importer, `${WATCHED}\n${body}`);
  const out = join(root, 'probe.cjs');
  symlinkSync(join(ROOT, 'dist', 'lazy'), join(root, 'lazy'));
  await build({
    entryPoints: [importer],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    plugins: [detmlBundlePlugin, lazyBundlesPlugin],
    logLevel: 'silent',
  });
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DETML_CODE_CACHE_DIR: join(root, 'cache'), ...env };
  if (!('DEBUG' in env)) delete childEnv.DEBUG;
  // Records the dist/lazy/ bundles the process opens, from before the probe's own imports run.
  const record = join(root, 'record.cjs');
  writeFileSync(
    record,
    `const fs = require('node:fs'); const open = fs.openSync; globalThis.lazyOpened = [];
    fs.openSync = (path, ...rest) => { if (String(path).includes('/lazy/')) lazyOpened.push(require('node:path').basename(path)); return open(path, ...rest); };`,
  );
  const r = spawnSync(process.execPath, ['--require', record, out], { encoding: 'utf8', env: childEnv });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

const DIAGNOSTICS = `import createDebug from 'debug';
  import chalk from 'chalk';
  import assert from 'node:assert';
  import fsPromises, { stat } from 'node:fs/promises';`;
const runAsMemFsEditor = (body: string, env: NodeJS.ProcessEnv = {}) =>
  runAs('mem-fs-editor', `${DIAGNOSTICS}\n${body}`, env);

describe("stand-ins for yeoman's diagnostics modules (scripts/bundle-swaps.mjs)", () => {
  it('load none of node:assert, node:tty, node:net or node:fs/promises while nothing fails, prints or reads', async () => {
    const r = await runAsMemFsEditor(`
      assert.ok(true, 'holds');
      assert(1, 'holds');
      createDebug('mem-fs-editor:probe')('not shown');
      console.log(JSON.stringify({ colour: chalk.yellow('plain') + chalk.bold.red('text'), loaded: loaded() }));`);
    expect(JSON.parse(r.stdout)).toEqual({ colour: 'plaintext', loaded: [] });
    expect(r.stderr).toBe('');
  });

  it("a failing assert.ok throws node:assert's own AssertionError, with the message", async () => {
    const r = await runAsMemFsEditor(`
      try { assert.ok(0, 'Cannot copy empty file x'); } catch (e) {
        console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, real: e instanceof require('assert').AssertionError }));
      }`);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'AssertionError',
      code: 'ERR_ASSERTION',
      message: 'Cannot copy empty file x',
      real: true,
    });
  });

  it('with DEBUG set, debug is the real one and prints', async () => {
    const r = await runAsMemFsEditor(`createDebug('mem-fs-editor:probe')('copying %s', 'a.txt');`, {
      DEBUG: 'mem-fs-editor:*',
      DEBUG_COLORS: 'no',
    });
    expect(r.stderr).toMatch(/mem-fs-editor:probe copying a\.txt/);
  });

  it('fs/promises calls reach the real module when made', async () => {
    const r = await runAsMemFsEditor(`
      const before = loaded();
      Promise.all([stat(__filename), fsPromises.readFile(__filename, 'utf8')]).then(([st, text]) =>
        console.log(JSON.stringify({ before, size: st.size === text.length, after: loaded() })));`);
    expect(JSON.parse(r.stdout)).toEqual({ before: [], size: true, after: ['fs/promises'] });
  });
});

describe("mem-fs-editor's globbing and templating, from dist/lazy/ (scripts/bundle-swaps.mjs GLOBS_ON_USE)", () => {
  it('are not loaded until called, then answer as the real modules do', async () => {
    const r = await runAsMemFsEditor(`
      import ejs from 'ejs';
      import multimatch from 'multimatch';
      import { minimatch, Minimatch } from 'minimatch';
      import { globSync, isDynamicPattern } from 'tinyglobby';
      const before = [...lazyOpened];
      require('node:fs').writeFileSync(__dirname + '/a.js', '');
      console.log(JSON.stringify({
        before,
        ejs: ejs.render('<%= seed %>', { seed: 42 }),
        multimatch: multimatch(['a.js', 'b.txt'], ['*.js']),
        minimatch: [minimatch('a.js', '*.js'), new Minimatch('*.txt').match('a.js')],
        glob: [globSync(['*.js'], { cwd: __dirname }), isDynamicPattern('*.js'), isDynamicPattern('a.js')],
        after: [...lazyOpened].sort(),
      }));`);
    expect(JSON.parse(r.stdout)).toEqual({
      before: [],
      ejs: '42',
      multimatch: ['a.js'],
      minimatch: [true, false],
      glob: [['a.js'], true, false],
      after: ['ejs.cjs', 'minimatch.cjs', 'multimatch.cjs', 'tinyglobby.cjs'],
    });
  });

  it("vinyl's tee of stream contents works through teex's own bundle", async () => {
    const r = await runAs(
      'vinyl',
      `const teex = require('teex');
      const before = [...lazyOpened];
      const { Readable } = require('node:stream');
      const [a, b] = teex(Readable.from(['x', 'y']));
      const read = async (s) => { let t = ''; for await (const c of s) t += c; return t; };
      Promise.all([read(a), read(b)]).then((texts) => console.log(JSON.stringify({ before, texts, after: lazyOpened })));`,
    );
    expect(JSON.parse(r.stdout)).toEqual({ before: [], texts: ['xy', 'xy'], after: ['teex.cjs'] });
  });
});
