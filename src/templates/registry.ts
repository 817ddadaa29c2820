import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { packageRoot } from '../package-root.ts';
import { loadManifest, type TemplateManifest } from './manifest.ts';
import { isSemver, newestRelease } from './semver.ts';

/** The templates this package ships, in the order the picker shows them; the first is the default. */
export const TEMPLATES = [
  { id: 'onnx', label: 'ONNX Runtime (Node, onnxruntime-node)' },
  { id: 'tfjs', label: 'TensorFlow.js (Node, tfjs + wasm / tfjs-node-gpu)' },
  { id: 'vllm', label: 'vLLM (Python, LLM inference)' },
] as const;

/** A template id shipped with this package. */
export type TemplateId = (typeof TEMPLATES)[number]['id'];

/** The default template for `create` when none is chosen. */
export const DEFAULT_TEMPLATE: TemplateId = 'onnx';

/** A template version located on disk, with its parsed manifest. */
export interface ResolvedTemplate {
  dir: string;
  manifest: TemplateManifest;
}

/** Where templates come from: the built-in folder, or a `--template-root` of `<id>@<version>/` trees. */
export interface TemplateSource {
  templateRoot?: string | undefined;
  /** sync only: take the target version from this published create-detml (a version or dist-tag, e.g. "latest"). */
  templatesFrom?: string | undefined;
}

/** Template ids that can be created from this source (built-in ones only once their folder exists). */
export function availableTemplates(source: TemplateSource = {}): string[] {
  if (source.templateRoot) {
    const ids = new Set(versionDirs(source.templateRoot).map((d) => d.id));
    return [...ids].sort();
  }
  return TEMPLATES.map((t) => t.id).filter((id) => existsSync(join(builtinDir(), id, 'template.json')));
}

/**
 * Finds a template; without `version` the newest available. With a template root, versions are `<id>@<version>/`
 * folders; built in, only the version this package ships is here (older ones come from published tarballs).
 */
export function resolveTemplate(id: string, source: TemplateSource = {}, version?: string): ResolvedTemplate {
  if (source.templateRoot) {
    const candidates = versionDirs(source.templateRoot).filter((d) => d.id === id);
    if (candidates.length === 0) throw new UserError(`Unknown template "${id}" in template root ${source.templateRoot}.`);
    if (!version) {
      const newest = newestRelease(candidates.map((c) => c.version));
      if (!newest) throw new UserError(`Template "${id}" in template root ${source.templateRoot} has only prereleases (${candidates.map((c) => c.version).join(', ')}); name the version to use one.`);
      version = newest;
    }
    const pick = candidates.find((c) => c.version === version);
    if (!pick) throw new UserError(`Template ${id}@${version} is not in template root ${source.templateRoot}.`);
    return withManifest(pick.dir, id);
  }
  const dir = join(builtinDir(), id);
  if (!existsSync(join(dir, 'template.json'))) {
    throw new UserError(`Unknown template "${id}". Available: ${availableTemplates().join(', ')}.`);
  }
  const resolved = withManifest(dir, id);
  if (version && resolved.manifest.version !== version) {
    throw new UserError(`Template ${id}@${version} is not shipped by this version of create-detml (it has ${resolved.manifest.version}).`);
  }
  return resolved;
}

/** The folder of built-in templates inside this package. */
export function builtinDir(): string {
  return join(packageRoot(), 'templates');
}

function withManifest(dir: string, id: string): ResolvedTemplate {
  const manifest = loadManifest(dir);
  if (manifest.id !== id) throw new UserError(`Template folder ${dir} declares id "${manifest.id}", expected "${id}".`);
  return { dir, manifest };
}

function versionDirs(root: string): { id: string; version: string; dir: string }[] {
  const abs = resolve(root);
  if (!existsSync(abs)) throw new UserError(`Template root ${root} does not exist.`);
  if (!statSync(abs).isDirectory()) throw new UserError(`Template root ${root} is a file, not a folder. Pass the folder that holds <id>@<version>/ template folders.`);
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[a-z0-9-]+@/.test(e.name))
    .map((e) => {
      const at = e.name.indexOf('@');
      return { id: e.name.slice(0, at), version: e.name.slice(at + 1), dir: join(abs, e.name) };
    })
    .filter((d) => isSemver(d.version));
}
