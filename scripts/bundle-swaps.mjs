// What the bundles replace in the packages they inline, and why (the plugins that apply it are in bundle-plugin.mjs).
// Every swap is scoped to the importer that never uses the real thing on create-detml's paths, so our own code keeps
// the real modules (toolchain.md §9; bench/README.md has the measured effect of each group).
import { readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, root), 'utf8');
const version = (name) => JSON.parse(read(`node_modules/${name}/package.json`)).version;

/** Whole modules replaced everywhere: run-time generator installs, npm lookups, yeoman's inquirer adapter. */
export const STUBS = {
  // fly-import installs generators at run time and drags in arborist, pacote, sigstore and tar.
  'fly-import': `export class FlyRepository { constructor() {} }
    export async function flyImport() { throw new Error('create-detml does not install generators at run time'); }`,
  'latest-version': `export default async function latestVersion() { throw new Error('latest-version is not bundled'); }`,
  // The environment's default adapter pulls in inquirer, ora and rxjs; detml passes answers in and never prompts.
  '@yeoman/adapter': read('scripts/yeoman-adapter-stub.mjs'),
  // handlebars falls back to its own small SourceNode when source-map is absent; it never emits source maps for us.
  'source-map': 'module.exports = {};',
  // debug's optional 256-colour probe: not installed beside the bundle, so the require would only walk the tree.
  'supports-color': 'module.exports = false;',
  // yeoman-generator reads package.json with normalize: false; read-pkg would still load normalize-package-data,
  // whose spdx-correct sorts every licence id at import (~13 ms).
  'read-package-up': `import { readFileSync } from 'node:fs';
    import { dirname, join } from 'node:path';
    export function readPackageUpSync({ cwd = process.cwd(), normalize = true } = {}) {
      if (normalize !== false) throw new Error('create-detml bundles read-package-up without normalization');
      for (let dir = cwd; ; dir = dirname(dir)) {
        let text;
        try { text = readFileSync(join(dir, 'package.json'), 'utf8'); } catch { if (dirname(dir) === dir) return undefined; continue; }
        return { packageJson: JSON.parse(text), path: join(dir, 'package.json') };
      }
    }
    export async function readPackageUp(options) { return readPackageUpSync(options); }`,
  // lodash-es without its default export: the chain wrapper's set-up at import costs ~12 ms, and no caller uses it.
  'lodash-es': read('node_modules/lodash-es/lodash.js').replace("export { default } from './lodash.default.js';", ''),
  // Only the base environment: the full one adds the yo CLI (commander) and generator installs.
  'yeoman-environment': "export { default as EnvironmentBase } from './dist/environment-base.js';",
};
export const STUB_DIRS = { 'lodash-es': 'lodash-es', 'yeoman-environment': 'yeoman-environment' };

/**
 * Modules yeoman's packages load at import and use only for diagnostics create never shows, each of which costs every
 * create its own start-up: debug and chalk each load node:tty (and with it node:net), assert its error classes.
 * debug stays real when DEBUG is set; chalk only colours error texts from generator lookups and option checks;
 * assert.ok passes through to the real module the moment it fails, so its errors are node:assert's own.
 */
const DIAGNOSTICS = {
  debug: `const real = () => require('debug/src/node.js');
    const off = (namespace) => Object.assign(() => {}, { enabled: false, namespace, extend: (sub, d = ':') => off(namespace + d + sub) });
    export default function createDebug(namespace) { return process.env.DEBUG ? real()(namespace) : off(namespace); }`,
  chalk: `const plain = new Proxy((...texts) => texts.join(' '), { get: (target, key) => (key in target ? target[key] : plain) });
    export default plain;`,
  'node:assert': `const real = () => require('assert');
    function ok(value, ...rest) { if (!value) real().ok(value, ...rest); }
    export default new Proxy(ok, { get: (target, key) => (key === 'ok' ? ok : real()[key]) });`,
};

/**
 * mem-fs-editor's globbing and templating (copy, copyTpl, delete and dump with patterns), which create never calls:
 * their modules come from bundles of their own (LAZY_BUNDLES in bundle-plugin.mjs), read and initialised only on first
 * use.
 */
const GLOBS_ON_USE = {
  // ejs's lazy bundle is built from its ES module (a default export); a bundle that inlines it gets the CommonJS one.
  ejs: `const real = () => { const ejs = require('ejs'); return ejs.default ?? ejs; };
    export default new Proxy({}, { get: (_, key) => real()[key] });`,
  multimatch: `export default (...args) => require('multimatch').default(...args);`,
  minimatch: `export const minimatch = (...args) => require('minimatch').minimatch(...args);
    export class Minimatch { constructor(...args) { return new (require('minimatch').Minimatch)(...args); } }`,
  tinyglobby: `const real = () => require('tinyglobby');
    export const glob = (...args) => real().glob(...args);
    export const globSync = (...args) => real().globSync(...args);
    export const isDynamicPattern = (...args) => real().isDynamicPattern(...args);`,
};

/** node:fs/promises, which loads readline with it, for the few file calls mem-fs-editor and yeoman-generator make. */
const FS_PROMISES_ON_USE = {
  'node:fs/promises': `const real = () => require('fs/promises');
    export const stat = (...args) => real().stat(...args);
    export default new Proxy({}, { get: (_, key) => real()[key] });`,
};

/**
 * Imports that yeoman's packages make for features detml never calls (generator lookup, package-manager installs,
 * `this.spawnCommand`, `this.git`, `this._`). Lookup and installs throw if reached; spawn, git and the conflicter
 * load the real module on first use, so a generator that calls them still works, but nothing loads child_process at
 * start-up. The first importer that matches decides.
 */
export const BY_IMPORTER = [
  [
    /\/yeoman-environment\//,
    {
      ...DIAGNOSTICS,
      globby: `export function globbySync() { throw new Error('create-detml does not look generators up'); }`,
      execa: `export function execa() { throw new Error('create-detml installs dependencies itself'); }
      export function execaSync() { throw new Error('create-detml does not look generators up'); }`,
      'which-package-manager': `export async function whichPackageManager() { throw new Error('create-detml installs dependencies itself'); }`,
      // The environment's own commit task is replaced by create's (src/create/commit-task.ts), which asks the
      // conflicter only about a folder that already holds files: loaded on first use, from its own bundle
      // (LAZY_BUNDLES), not with the environment.
      '@yeoman/conflicter': `const real = () => require('@yeoman/conflicter');
      export const createConflicterTransform = (...args) => real().createConflicterTransform(...args);
      export const createYoResolveTransform = (...args) => real().createYoResolveTransform(...args);
      export const forceYoFiles = (...args) => real().forceYoFiles(...args);`,
    },
  ],
  [/\/mem-fs-editor\//, { ...DIAGNOSTICS, ...FS_PROMISES_ON_USE, ...GLOBS_ON_USE }],
  // vinyl tees a file's contents only when they are a stream (create's are bytes); teex brings streamx.
  [/\/vinyl\//, { teex: "module.exports = (...args) => require('teex')(...args);" }],
  // yeoman's file-pipeline filters, which match patterns only when a generator passes some.
  [/\/@yeoman\/transform\//, { minimatch: GLOBS_ON_USE.minimatch }],
  [
    // yeoman-generator imports all of lodash only to hand it to generators as \`this._\`, which create's generator
    // never reads; without it the bundle keeps only the dozen lodash functions yeoman calls itself (72 KB less to
    // parse on a first run, and ~640 fewer modules to initialise on every run).
    /\/yeoman-generator\/dist\/generator\.js$/,
    { 'lodash-es': 'export {};' },
  ],
  [
    /\/yeoman-generator\//,
    {
      ...DIAGNOSTICS,
      ...FS_PROMISES_ON_USE,
      // The one semver function yeoman-generator calls, without the index that initialises all of them.
      semver: "export { default as lte } from 'semver/functions/lte.js';",
      'simple-git': `const real = () => require('simple-git');
      const lazyObject = (key) => new Proxy({}, { get: (_, k) => real()[key][k], has: (_, k) => k in real()[key],
        ownKeys: () => Reflect.ownKeys(real()[key]), getOwnPropertyDescriptor: (_, k) => Reflect.getOwnPropertyDescriptor(real()[key], k) });
      export function simpleGit(...args) { return real().simpleGit(...args); }
      export const CheckRepoActions = lazyObject('CheckRepoActions');
      export const CleanOptions = lazyObject('CleanOptions');`,
      execa: `const real = () => require('execa');
      export function execa(...args) { return real().execa(...args); }
      export function execaSync(...args) { return real().execaSync(...args); }
      export function execaCommand(...args) { return real().execaCommand(...args); }
      export function execaCommandSync(...args) { return real().execaCommandSync(...args); }`,
    },
  ],
];

/**
 * Source rewrites. yeoman reads its own package.json at run time, which a bundle no longer has beside it. fdir looks
 * for an optional picomatch beside the bundle (a walk of stat calls up the tree, and a different answer in every
 * install); it gets the copy tinyglobby already bundles.
 */
export const REWRITES = [
  [
    /fdir\/dist\/index\.mjs$/,
    [
      ['let pm = null;', "import __detmlPicomatch from 'picomatch';\nlet pm = __detmlPicomatch;"],
      ['__require.resolve("picomatch");\n\tpm = __require("picomatch");', ''],
    ],
  ],
  [
    /yeoman-environment\/dist\/environment-base\.js$/,
    [
      ["require('../package.json').version", JSON.stringify(version('yeoman-environment'))],
      [
        'require(`${packageName}/package.json`).version',
        `({ 'yeoman-generator': ${JSON.stringify(version('yeoman-generator'))} })[packageName]`,
      ],
    ],
  ],
  [
    /yeoman-environment\/dist\/module-lookup\.js$/,
    [["JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString()).name", "'yeoman-environment'"]],
  ],
  [
    /yeoman-generator\/dist\/generator\.js$/,
    [
      [
        "JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))",
        JSON.stringify({ name: 'yeoman-generator', version: version('yeoman-generator') }),
      ],
    ],
  ],
];
