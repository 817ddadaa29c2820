import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { globToRegExp } from '../../src/templates/glob.ts';
import { loadManifest } from '../../src/templates/manifest.ts';
import { ownershipOf } from '../../src/templates/ownership.ts';
import { outputSegment } from '../../src/templates/paths.ts';
import { renderedBytes, renderTemplate, treeHash } from '../../src/templates/render.ts';
import { writeDemoTemplate } from '../helpers/fixture-template.ts';
import { tempDir } from '../helpers/tmp.ts';

function render(answers: Record<string, unknown> = {}, extra = {}) {
  const dir = writeDemoTemplate(tempDir(), '1.0.0', extra);
  const manifest = loadManifest(dir);
  return renderTemplate(dir, resolveAnswers(manifest, answers), manifest);
}

describe('renderTemplate', () => {
  it('renders .hbs, partials, dotfiles, templated paths and modes', () => {
    const tree = render({ name: 'my-app', seed: '9', flavour: 'fancy' });
    expect(tree.map((f) => `${f.mode.toString(8)} ${f.path}`)).toEqual([
      '644 .github/workflows/ci.yml',
      '644 .gitignore',
      '644 README.md',
      '644 __init__.py',
      '644 goldens/README.md',
      '644 gpu.txt',
      '644 model.bin',
      '644 package.json',
      '755 scripts/run.sh',
      '644 src/my-app.txt',
    ]);
    const text = (p: string) => renderedBytes(tree.find((f) => f.path === p)!).toString('utf8');
    expect(text('README.md')).toBe('# my-app\n\nseed=9 (fancy)\n');
    expect(text('.github/workflows/ci.yml')).toContain('echo "${{ github.ref }}"');
    expect(text('src/my-app.txt')).toBe('main module of {{name}} is not rendered here\n');
  });

  it('copies binary files byte for byte', () => {
    const model = render().find((f) => f.path === 'model.bin')!;
    expect([...renderedBytes(model)]).toEqual([0, 255, 1, 254, 123, 10, 13, 0]);
  });

  it('drops a file whose path renders empty', () => {
    expect(render({ gpu: 'false' }).map((f) => f.path)).not.toContain('gpu.txt');
  });

  it('is pure: the same answers give byte-identical trees, other answers another tree', () => {
    const a = render({ name: 'x' });
    const b = render({ name: 'x' });
    expect(treeHash(a)).toBe(treeHash(b));
    expect(a.map((f) => renderedBytes(f).toString('base64'))).toEqual(
      b.map((f) => renderedBytes(f).toString('base64')),
    );
    expect(treeHash(render({ name: 'y' }))).not.toBe(treeHash(a));
  });

  it('refuses a manifest whose layer folder is missing rather than rendering fewer files', () => {
    const dir = writeDemoTemplate(tempDir());
    const manifest = { ...loadManifest(dir), layers: ['../_missing-layer'] };
    expect(() => renderTemplate(dir, resolveAnswers(manifest, {}), manifest)).toThrow(
      /layer .*_missing-layer not found/,
    );
  });

  it('fails with the file name when a template references a missing answer (strict mode)', () => {
    expect(() => render({}, { 'files/bad.txt.hbs': '{{missing}}' })).toThrow(
      /cannot render bad.txt.hbs: "missing" not defined/,
    );
  });
});

describe('paths and ownership', () => {
  it.each([
    ['_gitignore', true, '.gitignore'],
    ['_gitignore.hbs', true, '.gitignore'],
    ['_github', false, '.github'],
    ['__init__.py', true, '__init__.py'],
    ['_internal.py', true, '_internal.py'],
    ['x.hbs', false, 'x.hbs'],
  ])('outputSegment(%s, last=%s) = %s', (segment, last, expected) => {
    expect(outputSegment(segment, last)).toBe(expected);
  });

  it.each([
    ['.github/**', '.github/workflows/ci.yml', true],
    ['.github/**', '.githubx/a', false],
    ['goldens/**', 'goldens/a/b.json', true],
    ['**/*.lock', 'a/b/c.lock', true],
    ['**/*.lock', 'c.lock', true],
    ['src/*.ts', 'src/a/b.ts', false],
    ['{Dockerfile,.dockerignore}', '.dockerignore', true],
  ])('glob %s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it('classifies owned, seeded and merged paths', () => {
    const m = { ownership: { owned: ['.github/**'], seeded: ['goldens/**'] } };
    expect(ownershipOf('.github/workflows/ci.yml', m)).toBe('owned');
    expect(ownershipOf('goldens/x.json', m)).toBe('seeded');
    expect(ownershipOf('README.md', m)).toBe('merged');
  });
});
