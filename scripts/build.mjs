// Bundles src/ and sync/ into dist/ with esbuild: every dependency inlined (the published package needs no
// install of its own), one small entry and lazily loaded chunks per command, so `--help` loads almost nothing and
// only `create` pays for yeoman. The stubs below replace what the create path never uses (toolchain.md §9).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Not every package exports its package.json, so read it from node_modules directly.
const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;

/** Modules replaced wholesale: runtime generator installs (fly-import → arborist, pacote, tar), npm lookups, inquirer. */
const STUBS = {
  'fly-import': `export class FlyRepository { constructor() {} }
    export async function flyImport() { throw new Error('create-detml does not install generators at run time'); }`,
  'latest-version': `export default async function latestVersion() { throw new Error('latest-version is not bundled'); }`,
  // The environment's default adapter pulls in inquirer, ora and rxjs; detml passes answers in and never prompts.
  '@yeoman/adapter': readFileSync(new URL('./yeoman-adapter-stub.mjs', import.meta.url), 'utf8'),
};

/** Source rewrites: yeoman reads its own package.json at run time, which a bundle no longer has beside it. */
const REWRITES = [
  [/yeoman-environment\/dist\/environment-base\.js$/, [["require('../package.json').version", JSON.stringify(version('yeoman-environment'))], ['require(`${packageName}/package.json`).version', `({ 'yeoman-generator': ${JSON.stringify(version('yeoman-generator'))} })[packageName]`]]],
  [/yeoman-environment\/dist\/module-lookup\.js$/, [["JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString()).name", "'yeoman-environment'"]]],
  [/yeoman-generator\/dist\/generator\.js$/, [["JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))", JSON.stringify({ name: 'yeoman-generator', version: version('yeoman-generator') })]]],
];

const bundlePlugin = {
  name: 'detml-bundle',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(STUBS).map((s) => s.replace(/[/@]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'detml-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'detml-stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }));
    b.onLoad({ filter: /yeoman-(environment|generator)\/dist\/(environment-base|module-lookup|generator)\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const [file, pairs] of REWRITES) {
        if (!file.test(args.path)) continue;
        for (const [from, to] of pairs) {
          if (!contents.includes(from)) throw new Error(`build: ${args.path} no longer contains ${from}; update scripts/build.mjs`);
          contents = contents.replace(from, to);
        }
      }
      return { contents, loader: 'js' };
    });
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  define: { __DETML_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies call require() and read __dirname; give the ESM bundle both.
  banner: {
    js: "import { createRequire as __detmlCreateRequire } from 'node:module'; import { fileURLToPath as __detmlFileURLToPath } from 'node:url'; const require = __detmlCreateRequire(import.meta.url); const __filename = __detmlFileURLToPath(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
  },
  plugins: [bundlePlugin],
  logLevel: 'warning',
});
