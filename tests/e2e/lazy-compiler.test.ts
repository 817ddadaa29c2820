// The command bundles carry only Handlebars' runtime and the built-in templates precompiled (scripts/bundle-plugin.mjs
// LAZY_COMPILER): a create from a built-in template never needs the compiler bundle, and a template the table does
// not know (a --template-root) loads it and renders as before.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoWorkspace } from '../helpers/fixture-template.ts';
import { ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A copy of the built package without dist/lazy/handlebars-compiler.cjs. */
function packageWithoutCompiler(): string {
  const copy = join(tempDir(), 'create-detml');
  for (const part of ['package.json', 'bin.cjs', 'dist', 'templates', 'schemas'])
    cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  rmSync(join(copy, 'dist', 'lazy', 'handlebars-compiler.cjs'));
  return join(copy, 'bin.cjs');
}

describe('the Handlebars compiler bundle', () => {
  it('is not in create’s or sync’s bundle, and is shipped beside them', () => {
    expect(existsSync(join(ROOT, 'dist', 'lazy', 'handlebars-compiler.cjs'))).toBe(true);
    // The compiler's parser (jison) reports "Expecting ..."; the runtime has no parser.
    for (const bundle of ['create', 'sync'])
      expect(readFileSync(join(ROOT, 'dist', `${bundle}.cjs`), 'utf8')).not.toContain('Expecting ');
  });

  it('is not needed to create from a built-in template (every source is precompiled)', async () => {
    const bin = packageWithoutCompiler();
    const cwd = tempDir();
    for (const template of ['onnx', 'tfjs']) {
      const r = await runCli([`p-${template}`, '--template', template, '--yes', '--no-git', '--no-install'], {
        cwd,
        bin,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(readFileSync(join(cwd, `p-${template}`, 'package.json'), 'utf8')).toContain(`"name": "p-${template}"`);
    }
  });

  it('is loaded for a template the table does not know, which renders as before; the next run reads the stored code', async () => {
    const ws = demoWorkspace();
    const env = { DETML_CODE_CACHE_DIR: join(tempDir(), 'cache'), NODE_DISABLE_COMPILE_CACHE: undefined };
    const create = async (name: string, options: { bin?: string; env: Record<string, string | undefined> }) => {
      const r = await runCli([name, ...ws.args, '--yes', '--no-git', '--set', 'flavour=fancy'], {
        cwd: ws.cwd,
        ...options,
      });
      if (r.code === 0)
        expect(readFileSync(join(ws.cwd, name, 'README.md'), 'utf8')).toBe(`# ${name}\n\nseed=42 (fancy)\n`);
      return r;
    };
    expect(await create('first', { env })).toMatchObject({ code: 0, stderr: '' });
    const bin = packageWithoutCompiler();
    // Without the stored code the compiler is needed: the run above did compile.
    expect((await create('no-store', { bin, env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' } })).code).not.toBe(0);
    // With it, a later run needs no compiler at all.
    expect(await create('second', { bin, env })).toMatchObject({ code: 0, stderr: '' });
  });
});
