import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars/runtime';
import valid from 'semver/functions/valid.js';
import { UserError } from '../errors.ts';
import type { Answers } from './answers.ts';
import { looksBinary } from './binary.ts';
import { TemplateSpecs } from './compiled-templates.ts';
import { unsafePathReason } from './containment.ts';
import { fileDigests } from './file-digests.ts';
import { matchesAny } from './glob.ts';
import { loadManifest, type TemplateManifest } from './manifest.ts';
import { isTemplated, outputSegment } from './paths.ts';
import { GENERATOR_VERSION } from '../version.ts';

/** What every rendered file has: its project-relative path and git file mode. */
interface RenderedBase {
  path: string;
  mode: 0o644 | 0o755;
}

/** A rendered file held in memory: every text file, and binaries under STREAMED_FROM bytes. */
export interface InMemoryFile extends RenderedBase {
  contents: Buffer;
}

/**
 * A large binary copied verbatim from the template (model weights): the render names its source file instead of
 * holding its bytes, and create and sync copy and hash it by streaming, so memory never grows with its size.
 */
export interface StreamedFile extends RenderedBase {
  source: string;
  size: number;
}

/** One file of a render: its bytes in memory, or a large binary streamed from its template file. */
export type RenderedFile = InMemoryFile | StreamedFile;

/** From this size a binary template file that is copied verbatim is streamed, never read into memory. */
export const STREAMED_FROM = 1 << 20;

/** The specs every render of this process shares: each source is compiled at most once (compiled-templates.ts). */
export const processSpecs = new TemplateSpecs(Handlebars.VERSION);

/** A whole render, sorted by path so every consumer sees the same order. */
export type RenderedTree = RenderedFile[];

/**
 * Render inputs besides the answers, recorded in the state file so a re-render gets the same bytes: the create-detml
 * version that generated (or last synced) the project, which projects pin in their workflows (`{{generator.version}}`).
 */
export interface RenderInputs {
  generatorVersion: string;
}

/** The files of a template folder, relative and `/`-separated, sorted bytewise for a stable render order. */
export function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else if (entry.isFile()) out.push(rel);
    // A symlink would be dropped or followed out of the template without a word: refuse it, naming the file.
    else if (entry.isSymbolicLink()) throw new UserError(`Template file ${join(root, rel)} is a symbolic link; templates cannot contain symlinks: replace it with the file it points to.`);
  }
  return out.sort(compareBytes);
}

/** Orders strings by UTF-16 code units, independent of locale. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Renders a template version from answers: a pure function of (template folder, answers, inputs); `inputs` defaults
 * to this package's version, which is right for a new project but not for re-rendering a recorded one.
 * `*.hbs` files and `{{...}}` path segments go through Handlebars (strict, no HTML escaping); every other file is
 * copied byte for byte. A path segment that renders empty drops the file, which is how templates make files optional.
 */
export function renderTemplate(
  templateDir: string,
  answers: Answers,
  manifest = loadManifest(templateDir),
  inputs: RenderInputs = { generatorVersion: GENERATOR_VERSION },
  specs: TemplateSpecs = processSpecs,
): RenderedTree {
  // The version lands in workflow `run:` lines; anything but a plain version could inject commands there.
  if (!valid(inputs.generatorVersion)) throw new UserError(`Generator version ${JSON.stringify(inputs.generatorVersion)} is not a semver version.`);
  const hbs = createHandlebars();
  const layers = [...manifest.layers.map((l) => resolve(templateDir, l)), templateDir];
  for (const layer of layers.slice(0, -1)) {
    // A missing layer would silently drop files from the render; with a template root, copy layers beside the versions.
    if (!existsSync(layer)) throw new UserError(`Template ${manifest.id}@${manifest.version}: layer ${layer} not found (layers are resolved relative to the template folder).`);
  }
  const sources = new Map<string, string>(); // template-relative path -> absolute source, later layers win
  for (const layer of layers) {
    for (const rel of safeList(join(layer, 'partials'))) {
      hbs.registerPartial(rel.replace(/\.hbs$/, ''), partial(hbs, specs, readFileSync(join(layer, 'partials', rel), 'utf8')));
    }
    for (const rel of safeList(join(layer, 'files'))) sources.set(rel, join(layer, 'files', rel));
  }
  const context = { ...answers, template: { id: manifest.id, version: manifest.version }, generator: { version: inputs.generatorVersion } };
  const byPath = new Map<string, RenderedFile>();
  for (const [rel, abs] of sources) {
    const path = renderPath(hbs, specs, rel, context);
    if (!path) continue;
    const unsafe = unsafePathReason(path);
    if (unsafe) throw new UserError(`Template ${manifest.id}@${manifest.version}: ${JSON.stringify(rel)} renders to ${JSON.stringify(path)}, which ${unsafe}; refusing to write it.`);
    if (byPath.has(path)) throw new UserError(`Template ${manifest.id}@${manifest.version}: two files render to ${path}`);
    const mode = matchesAny(path, manifest.executable) ? 0o755 : 0o644;
    if (isTemplated(rel)) {
      const source = readFileSync(abs, 'utf8');
      byPath.set(path, { path, mode, contents: Buffer.from(compile(hbs, specs, source, rel, manifest)(context), 'utf8') });
    } else byPath.set(path, { path, mode, ...verbatim(abs) });
  }
  return [...byPath.values()].sort((a, b) => compareBytes(a.path, b.path));
}

/** sha256 of one file's bytes, hex. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a rendered file's bytes; a streamed one is hashed from its source (or remembered, file-digests.ts). */
export function renderedSha256(file: RenderedFile): string {
  return 'contents' in file ? sha256(file.contents) : fileDigests(file.source, ['sha256']).sha256;
}

/** A rendered file's bytes, reading a streamed one whole: for tools and checks that need all of it at once. */
export function renderedBytes(file: RenderedFile): Buffer {
  return 'contents' in file ? file.contents : readFileSync(file.source);
}

/** A single hash over every path, mode and content of a render: equal hashes mean byte-identical trees. */
export function treeHash(tree: RenderedTree): string {
  const h = createHash('sha256');
  for (const f of tree) h.update(`${f.mode.toString(8)} ${renderedSha256(f)} ${f.path}\n`);
  return h.digest('hex');
}

// A file copied verbatim: its bytes, or for a large binary only where they are (its first 8,000 bytes decide).
function verbatim(abs: string): { contents: Buffer } | { source: string; size: number } {
  const { size } = statSync(abs);
  if (size < STREAMED_FROM) return { contents: readFileSync(abs) };
  const head = Buffer.alloc(8000);
  const fd = openSync(abs, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return looksBinary(head) ? { source: abs, size } : { contents: readFileSync(abs) };
}

function renderPath(hbs: typeof Handlebars, specs: TemplateSpecs, rel: string, context: object): string | undefined {
  const segments = rel.split('/');
  const out: string[] = [];
  for (const [i, seg] of segments.entries()) {
    const rendered = seg.includes('{{') ? hbs.template(specs.spec(seg))(context) : seg;
    if (!rendered) return undefined;
    out.push(outputSegment(rendered, i === segments.length - 1));
  }
  return out.join('/');
}

// Looked up (or compiled) on first use, inside the try: a syntax error names the file, as a strict-mode miss does.
function compile(hbs: typeof Handlebars, specs: TemplateSpecs, source: string, rel: string, manifest: TemplateManifest) {
  return (context: object) => {
    try {
      return hbs.template(specs.spec(source))(context);
    } catch (error) {
      throw new UserError(`Template ${manifest.id}@${manifest.version}: cannot render ${rel}: ${(error as Error).message}`);
    }
  };
}

// A partial as a template function, compiled only if a template uses it (as a registered string would be): the
// runtime has no compiler for a string, and a precompiled spec does not carry the options to compile one with.
function partial(hbs: typeof Handlebars, specs: TemplateSpecs, source: string): Handlebars.TemplateDelegate {
  let template: Handlebars.TemplateDelegate | undefined;
  return (context, options) => (template ??= hbs.template(specs.spec(source)))(context, options);
}

// Helpers are part of every template version's output, so they may be added but never changed.
function createHandlebars(): typeof Handlebars {
  const hbs = Handlebars.create();
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  hbs.registerHelper('split', (value: unknown, sep: unknown) => String(value).split(String(sep)));
  // For optional files: a path segment `{{when gpu 'gpu.yml'}}` renders empty, and so drops the file, when false.
  hbs.registerHelper('when', (condition: unknown, value: unknown) => (condition ? String(value) : ''));
  return hbs;
}

function safeList(dir: string): string[] {
  try {
    return listFiles(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
