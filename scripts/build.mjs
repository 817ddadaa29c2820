// Builds dist/: a small entry (dist/main.cjs: --help, --version, routing, the code-cache loader) and one bundle per
// command (dist/<command>.cjs) with every dependency inlined, so the published package needs no install of its own
// and each run reads only its command's code (libraries only some runs need, such as git porcelain, installs,
// prompts and GitHub's client, sit in dist/lazy/, loaded on first use). CommonJS throughout: on Node 20 V8's code
// cache is only reachable for scripts (src/code-cache.ts), and an ESM entry would start the ESM loader for nothing.
// What the bundles swap out is in scripts/bundle-swaps.mjs.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';
import {
  detmlBundlePlugin,
  LAZY_BUNDLES,
  LAZY_COMPILER,
  lazyBundlesPlugin,
  lazyCompilerPlugin,
  precompiledTablesPlugin,
} from './bundle-plugin.mjs';
import { compileSchemas } from './compile-schemas.mjs';
import { precompileTemplates } from './precompile-templates.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// One bundle per file in src/entries/ (src/cli.ts routes to them by name; tests/unit/cli-route.test.ts keeps both in step).
const commands = readdirSync(new URL('../src/entries', import.meta.url)).map((f) => f.replace(/\.ts$/, ''));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
// JSON Schemas become plain validator code now, so no run of the CLI compiles a schema (or loads ajv's compiler).
compileSchemas();
// The built-in templates' Handlebars sources become functions, one table per template folder, so a render compiles
// none of them; the tables are built beside the bundles at the end.
const [, ...precompiledTables] = precompileTemplates();
const common = {
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  // A vm script has no ESM loader on Node 20 (import() there needs a flag), so dynamic imports become require().
  supported: { 'dynamic-import': false },
  // ESM dependencies read import.meta.url; in a CommonJS bundle it is the bundle's own file URL. The banner comes
  // before esbuild's own "use strict", so it repeats the directive to keep the bundles in strict mode.
  define: { __DETML_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__detml_import_meta_url' },
  banner: { js: "'use strict'; var __detml_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [detmlBundlePlugin, lazyCompilerPlugin, precompiledTablesPlugin],
  logLevel: 'warning',
};
// Each bundle leaves what only some of its runs need (git porcelain, installs, prompts, GitHub's client) to bundles
// of their own, loaded on first use (LAZY_BUNDLES in bundle-plugin.mjs).
await build({
  ...common,
  entryPoints: { main: 'src/entry.ts', ...Object.fromEntries(commands.map((c) => [c, `src/entries/${c}.ts`])) },
  plugins: [...common.plugins, lazyBundlesPlugin],
});
await build({
  ...common,
  entryPoints: {
    ...Object.fromEntries(Object.entries(LAZY_BUNDLES).map(([file, pkg]) => [`lazy/${file}`, pkg])),
    ...LAZY_COMPILER,
  },
  plugins: [detmlBundlePlugin],
});
// Each template folder's precompiled table, loaded by the bundles when a render first needs it.
await build({
  ...common,
  entryPoints: Object.fromEntries(
    precompiledTables.map((path) => [`compiled-templates/${basename(path, '.cjs')}`, path]),
  ),
  plugins: [],
});
