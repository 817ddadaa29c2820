// A released template version is immutable: sync re-renders old versions and must get the same bytes forever.
// This test holds the tree hash of every released version (rendered with its defaults and a fixed name).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderTemplate, treeHash } from '../../src/templates/render.ts';
import { HASHED_INPUTS } from '../../scripts/release-inputs.ts';
import { TEMPLATES_DIR } from '../helpers/paths.ts';

/** Released versions and their tree hashes; add a line when you release a version, never change one. */
const RECORDED: Record<string, string> = JSON.parse(readFileSync(join(import.meta.dirname, 'tree-hashes.json'), 'utf8'));

/** The fixed answers the hashes are taken with (every default, a name each template accepts, HASHED_INPUTS). */
const NAME: Record<string, string> = { vllm: 'hash_check' };

describe.each(availableTemplates())('template %s', (id) => {
  const { dir, manifest } = resolveTemplate(id);
  const key = `${id}@${manifest.version}`;
  const hash = treeHash(renderTemplate(dir, resolveAnswers(manifest, { name: NAME[id] ?? 'hash-check' }), manifest, HASHED_INPUTS));

  it('renders exactly the recorded tree for its version (change output => bump version + CHANGELOG)', () => {
    expect(RECORDED[key], `${key} renders ${hash} but has no recorded hash: add "${key}": "${hash}" to tests/templates/tree-hashes.json when releasing it`).toBeDefined();
    expect(hash, `${key} changed its output without a version bump: bump "version" in templates/${id}/template.json and add a CHANGELOG entry`).toBe(RECORDED[key]);
  });

  it('has a changelog entry for its version', () => {
    const changelog = readFileSync(join(TEMPLATES_DIR, id, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}\\b`, 'm'));
  });
});
