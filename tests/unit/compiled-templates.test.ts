// The precompiled-template layer (src/templates/compiled-templates.ts, scripts/precompile-templates.mjs) must never
// change a byte of any render: every built-in template, in every answer set that reaches a branch, renders exactly
// what a fresh Handlebars.compile renders, and a table that does not know a source only costs it a compile.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import * as precompileScript from '../../scripts/precompile-templates.mjs';
import { answerSets, HASHED_INPUTS } from '../../scripts/release-inputs.ts';
import { PRECOMPILED_INDEX } from '../../src/generated/compiled-templates.js';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { COMPILE_OPTIONS, TemplateSpecs, templateKey } from '../../src/templates/compiled-templates.ts';
import { builtInSpec, lookupIn } from '../../src/templates/precompiled-tables.ts';
import type { SpecStore } from '../../src/templates/spec-disk-cache.ts';
import type { TemplateSpec } from '../../src/templates/handlebars-compiler.ts';
import { loadManifest } from '../../src/templates/manifest.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate, type RenderedTree } from '../../src/templates/render.ts';
import { writeDemoTemplate } from '../helpers/fixture-template.ts';
import { TEMPLATES_DIR } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const script = precompileScript as {
  templateKey: (version: string, source: string) => string;
  templateSources: (dir: string) => string[];
  precompileTemplates: (dir?: string) => string[];
};

/** What Handlebars.compile builds on first use (its compileInput): parse, compile, and the spec as functions. */
function freshCompile(source: string, options: CompileOptions): TemplateSpec {
  const hbs = Handlebars.create() as unknown as {
    parse: (s: string, o: object) => unknown;
    Compiler: new () => { compile: (ast: unknown, o: object) => unknown };
    JavaScriptCompiler: new () => { compile: (env: unknown, o: object, c: undefined, asObject: true) => TemplateSpec };
  };
  const opts = { ...options, data: true };
  const environment = new hbs.Compiler().compile(hbs.parse(source, opts), opts);
  return new hbs.JavaScriptCompiler().compile(environment, opts, undefined, true);
}

/** Specs that Handlebars compiles afresh for every lookup: the reference every other path must match. */
class FreshSpecs extends TemplateSpecs {
  override spec(source: string): TemplateSpec {
    return freshCompile(source, COMPILE_OPTIONS);
  }
}

/** No disk store: counts then say exactly what the table, the memo and the compiler did. */
const NO_STORE: SpecStore = { read: () => undefined, write: () => {} };
const specs = (table?: Record<string, TemplateSpec>, version = Handlebars.VERSION) =>
  new TemplateSpecs(version, table && lookupIn(table), undefined, NO_STORE);

const NAME: Record<string, string> = { vllm: 'hash_check' };
const bytes = (tree: RenderedTree) =>
  tree.map((f) => `${f.mode.toString(8)} ${f.path}\n${renderedBytes(f).toString('base64')}`);

describe.each(availableTemplates())('template %s, every answer set', (id) => {
  const { dir, manifest } = resolveTemplate(id);
  it.each(answerSets(manifest).map((s) => [s.label, s.answers] as const))(
    '%s: the table renders what a fresh compile renders',
    (_label, raw) => {
      const answers = resolveAnswers(manifest, { name: NAME[id] ?? 'hash-check', ...raw });
      const precompiled = specs();
      const fresh = new FreshSpecs(Handlebars.VERSION);
      const viaTable = renderTemplate(dir, answers, manifest, HASHED_INPUTS, precompiled);
      expect(bytes(viaTable)).toEqual(bytes(renderTemplate(dir, answers, manifest, HASHED_INPUTS, fresh)));
      // Every source came from the table (nothing compiled), and each compiled once per process at most.
      expect(precompiled.counts.compiled).toBe(0);
      expect(precompiled.counts.table).toBeGreaterThan(0);
    },
  );
});

describe('the precompiled table', () => {
  it('fails on a missing answer with the same one-line error, naming the file, as a fresh compile', () => {
    const { dir, manifest } = resolveTemplate('onnx');
    const answers = { ...resolveAnswers(manifest, { name: 'strict-check' }) };
    delete answers.seed;
    const precompiled = specs();
    const error = (s: TemplateSpecs) => {
      try {
        renderTemplate(dir, answers, manifest, HASHED_INPUTS, s);
      } catch (e) {
        return e as Error;
      }
      throw new Error('rendered without the seed');
    };
    const viaTable = error(precompiled);
    expect(viaTable.name).toBe('UserError');
    expect(viaTable.message).toMatch(/^Template onnx@[^:]+: cannot render [^ ]+\.hbs: "seed" not defined in /);
    expect(viaTable.message).not.toContain('\n');
    expect(viaTable.message).toBe(error(new FreshSpecs(Handlebars.VERSION)).message);
    expect(precompiled.counts.compiled).toBe(0);
  });

  it("is keyed the way the runtime looks sources up, and holds every built-in source in its own folder's table", () => {
    const sources = script.templateSources(TEMPLATES_DIR);
    expect(sources.length).toBeGreaterThan(20);
    const folders = readdirSync(TEMPLATES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const { name: folder } of folders) {
      for (const source of script.templateSources(join(TEMPLATES_DIR, folder))) {
        const key = templateKey(Handlebars.VERSION, source);
        expect(script.templateKey(Handlebars.VERSION, source)).toBe(key);
        expect(PRECOMPILED_INDEX[key], source.slice(0, 40)).toBe(folder);
        expect(builtInSpec(key)).toEqual(expect.objectContaining({ main: expect.any(Function) }));
      }
    }
    expect(Object.keys(PRECOMPILED_INDEX)).toHaveLength(sources.length);
    expect(builtInSpec(templateKey(Handlebars.VERSION, 'a source no template has'))).toBeUndefined();
  });

  it('is the same bytes for the same templates', () => {
    const first = script.precompileTemplates();
    const bytes = first.map((path) => readFileSync(path));
    expect(first.length).toBeGreaterThan(3); // the index, and a table per folder with sources
    const again = script.precompileTemplates();
    expect(again).toEqual(first);
    expect(again.map((path) => readFileSync(path))).toEqual(bytes);
  });

  it('compiles an edited source rather than use another entry, and renders the edit', () => {
    // A copy of the templates with one file edited: the table holds its old source's entry, under that source's key.
    const templates = join(tempDir(), 'templates');
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    const copy = join(templates, 'onnx');
    const manifest = loadManifest(copy);
    const readme = join(copy, 'files', 'README.md.hbs');
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nedited for {{name}}\n`);
    const edited = specs();
    const tree = renderTemplate(
      copy,
      resolveAnswers(manifest, { name: 'edit-check' }),
      manifest,
      HASHED_INPUTS,
      edited,
    );
    expect(renderedBytes(tree.find((f) => f.path === 'README.md')!).toString('utf8')).toMatch(
      /\nedited for edit-check\n$/,
    );
    expect(edited.counts.compiled).toBe(1);
  });

  it('is never used by another Handlebars version: everything is compiled, with the same output', () => {
    const { dir, manifest } = resolveTemplate('tfjs');
    const answers = resolveAnswers(manifest, { name: 'version-check' });
    const other = specs(undefined, '0.0.0-other');
    const tree = renderTemplate(dir, answers, manifest, HASHED_INPUTS, other);
    expect(other.counts.table).toBe(0);
    expect(other.counts.compiled).toBeGreaterThan(0);
    expect(bytes(tree)).toEqual(bytes(renderTemplate(dir, answers, manifest, HASHED_INPUTS, specs())));
  });

  it('ignores a table entry whose key does not match its source (a corrupt or planted entry is never looked up)', () => {
    const good = 'name={{name}}\n';
    // An entry that claims another source's key: lookups go by the hash of the source being rendered, so a render
    // of `good` never reaches it.
    const planted = { [templateKey(Handlebars.VERSION, 'other')]: freshCompile('WRONG', COMPILE_OPTIONS) };
    const withPlanted = specs(planted);
    expect(Handlebars.template(withPlanted.spec(good))({ name: 'x' })).toBe('name=x\n');
    expect(withPlanted.counts).toEqual({ table: 0, memo: 0, disk: 0, compiled: 1 });
  });
});

describe('the in-process memo', () => {
  it('compiles each source once, however many renders use it (sync renders two versions)', () => {
    const dir = writeDemoTemplate(tempDir(), '1.0.0');
    const manifest = loadManifest(dir);
    const memo = specs({});
    const answers = resolveAnswers(manifest, { name: 'memo-check' });
    const first = renderTemplate(dir, answers, manifest, HASHED_INPUTS, memo);
    const compiled = memo.counts.compiled;
    expect(compiled).toBeGreaterThan(0);
    expect(bytes(renderTemplate(dir, answers, manifest, HASHED_INPUTS, memo))).toEqual(bytes(first));
    expect(memo.counts.compiled).toBe(compiled);
    expect(memo.counts.memo).toBe(compiled);
  });
});

describe('partials', () => {
  it('render with the templates’ options: no HTML escaping, and a missing variable names the file', () => {
    const dir = writeDemoTemplate(tempDir(), '1.0.0', { 'partials/footer.hbs': '({{flavour}} <&> "q")' });
    const manifest = loadManifest(dir);
    const tree = renderTemplate(dir, resolveAnswers(manifest, { flavour: 'fancy' }), manifest, HASHED_INPUTS);
    expect(renderedBytes(tree.find((f) => f.path === 'README.md')!).toString('utf8')).toContain('(fancy <&> "q")');
    const strict = writeDemoTemplate(tempDir(), '1.0.0', { 'partials/footer.hbs': '{{nope}}' });
    expect(() =>
      renderTemplate(strict, resolveAnswers(loadManifest(strict), {}), loadManifest(strict), HASHED_INPUTS),
    ).toThrow(/cannot render README\.md\.hbs: "nope" not defined/);
  });

  it('that no template uses are never compiled (a broken one costs nothing, as before)', () => {
    const dir = writeDemoTemplate(tempDir(), '1.0.0', { 'partials/unused.hbs': '{{#if}' });
    const manifest = loadManifest(dir);
    expect(() => renderTemplate(dir, resolveAnswers(manifest, {}), manifest, HASHED_INPUTS, specs({}))).not.toThrow();
  });
});
