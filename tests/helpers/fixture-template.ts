import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tempDir } from './tmp.ts';

/** A file tree: relative path -> text or bytes. */
export type FileTree = Record<string, string | Buffer>;

/** Writes a file tree under a folder, creating parents. */
export function writeTree(root: string, tree: FileTree): void {
  for (const [rel, contents] of Object.entries(tree)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
}

/** A small template exercising every rendering rule: .hbs, partials, dotfiles, path templating, binaries, modes. */
export function demoTemplate(version = '1.0.0', extra: FileTree = {}): FileTree {
  return {
    'template.json': JSON.stringify({
      id: 'demo',
      version,
      description: 'demo',
      questions: [
        { name: 'name', type: 'string', message: 'Project name', default: 'demo-app', validate: 'npm-package-name' },
        { name: 'seed', type: 'integer', message: 'Seed', default: 42, validate: 'nonzero-int' },
        { name: 'gpu', type: 'boolean', message: 'GPU workflow?', default: true, prompt: false },
        {
          name: 'flavour',
          type: 'select',
          message: 'Flavour',
          default: 'plain',
          choices: ['plain', 'fancy'],
          prompt: false,
        },
      ],
      ownership: { owned: ['.github/**'], seeded: ['goldens/**'] },
      executable: ['scripts/*.sh'],
      lockfiles: { 'package-lock.json': 'package.json' },
    }),
    'files/README.md.hbs': '# {{name}}\n\nseed={{seed}} {{> footer}}\n',
    'files/package.json.hbs': '{ "name": "{{name}}", "version": "1.0.0" }\n',
    'files/_gitignore': 'node_modules/\n',
    'files/_github/workflows/ci.yml.hbs':
      'name: ci\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$\\{{ github.ref }}"\n',
    "files/{{when gpu 'gpu.txt'}}": 'gpu on\n',
    'files/src/{{name}}.txt': 'main module of {{name}} is not rendered here\n',
    'files/scripts/run.sh': '#!/bin/sh\necho run\n',
    'files/model.bin': Buffer.from([0, 255, 1, 254, 123, 10, 13, 0]),
    'files/goldens/README.md': 'goldens\n',
    'files/__init__.py': '',
    'partials/footer.hbs': '({{flavour}})',
    ...extra,
  };
}

/** Writes the demo template as `<root>/demo@<version>/` (a template root) and returns its folder. */
export function writeDemoTemplate(root: string, version = '1.0.0', extra: FileTree = {}): string {
  const dir = join(root, `demo@${version}`);
  writeTree(dir, demoTemplate(version, extra));
  chmodSync(join(dir, 'files/scripts/run.sh'), 0o644); // modes come from the manifest, not the file system
  return dir;
}

/** A create end-to-end workspace: the demo template in a template root, and the folder create runs in. */
export interface DemoWorkspace {
  root: string;
  cwd: string;
  templates: string;
  /** Flags that select the demo template from that root (and skip the install unless asked for). */
  args: string[];
}

/** Makes a DemoWorkspace; `at` is the working folder, absolute or relative to the workspace (default `work`). */
export function demoWorkspace(options: { at?: string; install?: boolean } = {}): DemoWorkspace {
  const root = tempDir();
  const templates = join(root, 'templates');
  writeDemoTemplate(templates);
  const cwd = resolve(root, options.at ?? 'work');
  mkdirSync(cwd, { recursive: true });
  const args = ['--template', 'demo', '--template-root', templates, ...(options.install ? [] : ['--no-install'])];
  return { root, cwd, templates, args };
}
