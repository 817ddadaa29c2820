// The esbuild plugins behind dist/: the swaps of bundle-swaps.mjs, and the files loaded on first use (the lazy
// bundles, the Handlebars compiler and the precompiled template tables), each through the code cache.
import { readFileSync } from 'node:fs';
import { BY_IMPORTER, REWRITES, STUB_DIRS, STUBS } from './bundle-swaps.mjs';

const root = new URL('../', import.meta.url);
const modulesDir = new URL('node_modules/', root).pathname;

const escape = (s) => s.replace(/[/@.-]/g, '\\$&');

/** The esbuild plugin applying STUBS, BY_IMPORTER and REWRITES. */
export const detmlBundlePlugin = {
  name: 'detml-bundle',
  setup(b) {
    const lazyNames = [...new Set(BY_IMPORTER.flatMap(([, m]) => Object.keys(m)))];
    b.onResolve({ filter: new RegExp(`^(${lazyNames.map(escape).join('|')})$`) }, (args) => {
      const index = BY_IMPORTER.findIndex(([importer, m]) => importer.test(args.importer) && m[args.path]);
      return index < 0 ? undefined : { path: args.path, namespace: `detml-scoped-${index}` };
    });
    const stubFilter = new RegExp(`^(${Object.keys(STUBS).map(escape).join('|')})$`);
    b.onResolve({ filter: stubFilter }, (args) => ({ path: args.path, namespace: 'detml-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'detml-stub' }, (args) => ({
      contents: STUBS[args.path],
      loader: 'js',
      resolveDir: STUB_DIRS[args.path] ? `${modulesDir}${STUB_DIRS[args.path]}` : modulesDir,
    }));

    BY_IMPORTER.forEach(([, m], index) => {
      b.onLoad({ filter: /.*/, namespace: `detml-scoped-${index}` }, (args) => ({
        contents: m[args.path],
        loader: 'js',
        resolveDir: modulesDir,
      }));
    });

    b.onLoad({ filter: new RegExp(REWRITES.map(([file]) => file.source).join('|')) }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const [file, pairs] of REWRITES) {
        if (!file.test(args.path)) continue;
        for (const [from, to] of pairs) {
          if (!contents.includes(from))
            throw new Error(`build: ${args.path} no longer contains ${from}; update scripts/bundle-swaps.mjs`);
          contents = contents.replace(from, to);
        }
      }
      return { contents, loader: 'js' };
    });
  },
};

/**
 * Packages only some runs need, built into bundles of their own (dist/lazy/<name>.cjs, scripts/build.mjs): a create
 * that commits, installs, prompts or writes into a folder holding files, and a sync or fleet that talks to GitHub.
 * The command bundles read, parse and cache that much less, and load each one, through the same code cache
 * (src/code-cache.ts), the first time it is used.
 */
export const LAZY_BUNDLES = {
  'simple-git': 'simple-git',
  execa: 'execa',
  clack: '@clack/prompts',
  // yeoman's conflicter, with its diff, table and binary-detection modules: only a create into a folder that holds
  // files asks it anything (src/create/commit-task.ts).
  conflicter: '@yeoman/conflicter',
  // mem-fs-editor's globbing and templating (GLOBS_ON_USE).
  ejs: 'ejs',
  multimatch: 'multimatch',
  minimatch: 'minimatch',
  tinyglobby: 'tinyglobby',
  teex: 'teex',
  // GitHub's client with its plugins, and the limiter for write spacing (sync/octokit.ts imports them on first use):
  // a sync --local never loads them. plugin-throttling brings its own light build of bottleneck.
  'octokit-rest': '@octokit/rest',
  'octokit-throttling': '@octokit/plugin-throttling',
  'octokit-retry': '@octokit/plugin-retry',
  bottleneck: 'bottleneck',
};

/** The esbuild plugin that points the command bundles' imports of LAZY_BUNDLES at those bundles. */
export const lazyBundlesPlugin = {
  name: 'detml-lazy-bundles',
  setup(b) {
    const byPackage = Object.fromEntries(Object.entries(LAZY_BUNDLES).map(([file, pkg]) => [pkg, file]));
    const filter = new RegExp(`^(${Object.keys(byPackage).map(escape).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'detml-lazy-bundle' }));
    b.onLoad({ filter: /.*/, namespace: 'detml-lazy-bundle' }, (args) => ({
      contents: `const { loadBundle } = require(${JSON.stringify(new URL('src/code-cache.ts', root).pathname)});
        module.exports = loadBundle(require('node:path').join(__dirname, 'lazy', ${JSON.stringify(`${byPackage[args.path]}.cjs`)})).exports;`,
      loader: 'js',
      resolveDir: modulesDir,
    }));
  },
};

/**
 * The Handlebars compiler, in a bundle of its own (dist/lazy/handlebars-compiler.cjs): the built-in templates render
 * from precompiled specs (src/templates/compiled-templates.ts), so the command bundles carry only Handlebars' runtime
 * and load the compiler (its parser tables and code generator) the first time a source is not in the table.
 */
export const LAZY_COMPILER = { 'lazy/handlebars-compiler': 'src/templates/handlebars-compiler.ts' };

/** The esbuild plugin that points the command bundles' import of the compiler module at that bundle. */
export const lazyCompilerPlugin = {
  name: 'detml-lazy-compiler',
  setup(b) {
    b.onResolve({ filter: /\/handlebars-compiler\.ts$/ }, (args) =>
      args.importer.endsWith('/compiled-templates.ts')
        ? { path: args.path, namespace: 'detml-lazy-compiler' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'detml-lazy-compiler' }, () => ({
      contents: `const { loadBundle } = require(${JSON.stringify(new URL('src/code-cache.ts', root).pathname)});
        let compiler;
        exports.precompileSource = (source, options) => (compiler ??= loadBundle(
          require('node:path').join(__dirname, 'lazy', 'handlebars-compiler.cjs')).exports).precompileSource(source, options);`,
      loader: 'js',
      resolveDir: modulesDir,
    }));
  },
};

/**
 * The built-in templates' precompiled tables, one per folder of templates/ (scripts/precompile-templates.mjs), as files
 * of their own beside the bundles (dist/compiled-templates/<folder>.cjs, scripts/build.mjs): a run loads, through the
 * code cache, only the tables of the template it renders.
 */
export const precompiledTablesPlugin = {
  name: 'detml-precompiled-tables',
  setup(b) {
    b.onResolve({ filter: /\/precompiled-table-file\.ts$/ }, (args) => ({
      path: args.path,
      namespace: 'detml-precompiled-tables',
    }));
    b.onLoad({ filter: /.*/, namespace: 'detml-precompiled-tables' }, () => ({
      contents: `const { loadBundle } = require(${JSON.stringify(new URL('src/code-cache.ts', root).pathname)});
        exports.loadPrecompiledTable = (folder) =>
          loadBundle(require('node:path').join(__dirname, 'compiled-templates', folder + '.cjs')).exports;`,
      loader: 'js',
      resolveDir: modulesDir,
    }));
  },
};
