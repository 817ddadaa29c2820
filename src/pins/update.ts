import { writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { UserError } from '../errors.ts';
import { serializeState, STATE_PATH } from '../state/state-file.ts';
import { sha256 } from '../templates/render.ts';
import { Project } from '../verify/project.ts';
import { workflowPaths } from '../verify/workflows.ts';
import { projectImagePins, type ImagePin } from './project-images.ts';
import { resolveImage, type ResolveOptions, type ResolvedImage } from './resolve.ts';

/** One image whose pin is stale (or missing): every place it is written, and the digest it moves to. */
export interface PinChange {
  image: string;
  from: string | undefined;
  to: string;
  locations: ImagePin[];
}

/** What `pins update` found and (unless checking) wrote. */
export interface PinsUpdateResult {
  /** Every tagged image, with its digest now. */
  resolved: ResolvedImage[];
  changes: PinChange[];
  /** References without a tag (digest only), which cannot be re-resolved. */
  skipped: ImagePin[];
  /** Project files rewritten (empty with `check`). */
  written: string[];
}

/**
 * Re-resolves every image the project's Dockerfiles and workflows use (tag kept) and, unless `check`, rewrites the
 * stale digests in Dockerfiles, workflows and the config/lock files (FROM, container images, DETML_IMAGE_DIGEST) and
 * in the state file's answers, so a later sync renders the same digests. A pin equal to the tag's index or one of its platform manifests
 * is current.
 */
export async function runPinsUpdate(
  dir: string,
  options: ResolveOptions & { check: boolean },
): Promise<PinsUpdateResult> {
  const root = resolvePath(dir);
  const project = new Project(root);
  const pins = projectImagePins(project);
  if (pins.length === 0) throw new UserError(`No Dockerfile FROM or workflow container image found in ${root}.`);
  const byImage = new Map<string, ImagePin[]>();
  for (const pin of pins.filter((p) => p.tagged)) byImage.set(pin.tagged!, [...(byImage.get(pin.tagged!) ?? []), pin]);
  const resolved: ResolvedImage[] = [];
  const changes: PinChange[] = [];
  for (const [image, locations] of byImage) {
    const now = await resolveImage(image, options);
    resolved.push(now);
    const current = new Set([now.digest, ...now.platforms.map((p) => p.digest)]);
    for (const from of new Set(locations.map((l) => l.digest))) {
      if (from && current.has(from)) continue;
      changes.push({ image, from, to: now.digest, locations: locations.filter((l) => l.digest === from) });
    }
  }
  const result = { resolved, changes, skipped: pins.filter((p) => !p.tagged), written: [] as string[] };
  if (!options.check && changes.length > 0) result.written = applyChanges(project, changes);
  return result;
}

function applyChanges(project: Project, changes: PinChange[]): string[] {
  const state = project.state().state;
  const edits = new Map<string, string>();
  const textOf = (path: string) => edits.get(path) ?? project.text(path);
  for (const change of changes) {
    if (change.from) {
      // A digest names exactly one image, so every mention of it in these files is this pin (FROM, container, env,
      // lock). Goldens and fingerprints are left alone: they record the image they were made with.
      for (const path of digestFiles(project)) {
        const text = textOf(path);
        if (path !== STATE_PATH && text?.includes(change.from))
          edits.set(path, text.split(change.from).join(change.to));
      }
    } else {
      for (const loc of change.locations) edits.set(loc.path, pinLine(textOf(loc.path) ?? '', loc, change.to));
    }
  }
  const written = [...edits.keys()].sort();
  if (state) {
    for (const change of changes) {
      for (const [k, v] of Object.entries(state.answers))
        if (change.from && v === change.from) state.answers[k] = change.to;
    }
    for (const path of written) {
      const entry = state.files[path];
      // A file still as the template rendered it stays "pristine": its new text is what the new answers render.
      if (entry && entry.sha256 === sha256(project.bytes(path) ?? '')) entry.sha256 = sha256(edits.get(path)!);
    }
    const serialized = serializeState(state);
    if (serialized !== project.text(STATE_PATH)) {
      edits.set(STATE_PATH, serialized);
      written.push(STATE_PATH);
    }
  }
  for (const [path, text] of edits) writeFileSync(join(project.root, path), text);
  return written;
}

/** Config and lock files that repeat the image digest next to the Dockerfile and workflows (templates' own). */
const DIGEST_FILES = ['detml.config.json', 'detml.lock.json', 'README.md'];

function digestFiles(project: Project): string[] {
  return [
    ...new Set([
      ...project.dockerfiles(),
      ...workflowPaths(project.files),
      ...DIGEST_FILES.filter((f) => project.has(f)),
    ]),
  ];
}

/** Adds `@digest` to an unpinned reference on its line. */
function pinLine(text: string, pin: ImagePin, digest: string): string {
  const lines = text.split('\n');
  const i = pin.line - 1;
  const line = lines[i] ?? '';
  const at = line.indexOf(pin.text);
  if (at === -1)
    throw new UserError(`${pin.path}:${pin.line}: cannot find ${pin.text} to pin it; edit the line by hand.`);
  lines[i] = `${line.slice(0, at + pin.text.length)}@${digest}${line.slice(at + pin.text.length)}`;
  return lines.join('\n');
}
