// Compares the templates of a checkout with those of the last published package: a template either renders
// byte-identically under the same version, or carries a newer version with a changelog entry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import semver from 'semver';
import { resolveAnswers } from '../src/templates/answers.ts';
import { loadManifest, type TemplateManifest } from '../src/templates/manifest.ts';
import { renderTemplate, treeHash } from '../src/templates/render.ts';
import { answerSets, HASHED_INPUTS } from './release-inputs.ts';

/** The verdict on one template: fine (`ok`) or not, with the one line that says which and why. */
export interface TemplateVerdict {
  id: string;
  ok: boolean;
  line: string;
}

/** Both sides of the comparison: the checkout's package folder and the published one (absent before a first release). */
export interface CompareInput {
  root: string;
  published?: { label: string; dir: string } | undefined;
}

/** Judges every template that either side ships, sorted by id. */
export function compareTemplates(input: CompareInput): TemplateVerdict[] {
  const current = templatesIn(input.root);
  const published = input.published ? templatesIn(input.published.dir) : new Map<string, Loaded>();
  const label = input.published?.label ?? 'nothing published';
  const ids = [...new Set([...current.keys(), ...published.keys()])].sort();
  return ids.map((id) => judge(id, current.get(id), published.get(id), label));
}

type Loaded = { dir: string; manifest: TemplateManifest } | { dir: string; error: string };

function judge(id: string, cur: Loaded | undefined, pub: Loaded | undefined, label: string): TemplateVerdict {
  const fail = (line: string): TemplateVerdict => ({ id, ok: false, line });
  if (!cur)
    return fail(
      `${id}: published in ${label} but missing from templates/; projects created from it could no longer sync.`,
    );
  if ('error' in cur) return fail(`${id}: ${cur.error}`);
  const version = cur.manifest.version;
  const entry = hasChangelogEntry(cur.dir, version);
  const noEntry = `add a "## ${version}" entry to templates/${id}/CHANGELOG.md`;
  if (!pub)
    return entry
      ? {
          id,
          ok: true,
          line: `${id} ${version}: new template (${label === 'nothing published' ? 'first release' : `not in ${label}`}), changelog entry present`,
        }
      : fail(`${id} ${version}: new template without a changelog entry; ${noEntry}.`);
  if ('error' in pub) return fail(`${id}: the ${label} copy cannot be read: ${pub.error}`);
  const before = pub.manifest.version;
  const order = semver.compare(version, before);
  if (order < 0)
    return fail(`${id} ${version}: older than ${before} in ${label}; template versions only move forward.`);
  if (order > 0) {
    return entry
      ? { id, ok: true, line: `${id} ${before} -> ${version}: new version, changelog entry present` }
      : fail(`${id} ${before} -> ${version}: new version without a changelog entry; ${noEntry}.`);
  }
  const difference = firstDifference(cur as LoadedOk, pub as LoadedOk);
  if (!difference) return { id, ok: true, line: `${id} ${version}: renders byte-identically to ${label}` };
  const next = semver.inc(version, 'minor');
  return fail(
    `${id} ${version}: differs from ${label} under the same version (${difference}); bump "version" in templates/${id}/template.json (e.g. ${next}) and add a "## ${next}" entry to templates/${id}/CHANGELOG.md.`,
  );
}

type LoadedOk = { dir: string; manifest: TemplateManifest };

// Tree hashes under every answer set of the published manifest, plus the manifest itself (ownership, migrations and
// lockfiles change what sync does even when the files are the same).
function firstDifference(cur: LoadedOk, pub: LoadedOk): string | undefined {
  if (!isDeepStrictEqual(cur.manifest, pub.manifest)) return 'template.json';
  for (const set of answerSets(pub.manifest)) {
    const hash = (t: LoadedOk) => {
      try {
        return treeHash(renderTemplate(t.dir, resolveAnswers(t.manifest, set.answers), t.manifest, HASHED_INPUTS));
      } catch (error) {
        return `error: ${(error as Error).message}`;
      }
    };
    if (hash(cur) !== hash(pub)) return `render with answers ${set.label}`;
  }
  return undefined;
}

function templatesIn(packageDir: string): Map<string, Loaded> {
  const root = join(packageDir, 'templates');
  const out = new Map<string, Loaded>();
  if (!existsSync(root)) return out;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const dir = join(root, entry.name);
    // Folders without a manifest are layers (_common, _node-common); they count through the templates that use them.
    if (!entry.isDirectory() || !existsSync(join(dir, 'template.json'))) continue;
    try {
      out.set(entry.name, { dir, manifest: loadManifest(dir) });
    } catch (error) {
      out.set(entry.name, { dir, error: (error as Error).message.split('\n')[0]! });
    }
  }
  return out;
}

function hasChangelogEntry(dir: string, version: string): boolean {
  const file = join(dir, 'CHANGELOG.md');
  if (!existsSync(file)) return false;
  return new RegExp(`^## ${version.replace(/\./g, '\\.')}(\\s|$)`, 'm').test(readFileSync(file, 'utf8'));
}
