// The table of default digests (src/pins/defaults.ts) and the template manifests / Dockerfiles cannot drift apart.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../../src/pins/defaults.ts';
import { DIGEST, parseImageRef } from '../../src/pins/image-ref.ts';
import { loadManifest } from '../../src/templates/manifest.ts';
import { listFiles } from '../../src/templates/render.ts';
import { TEMPLATES_DIR } from '../helpers/paths.ts';

const templateDirs = readdirSync(TEMPLATES_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && readdirSync(join(TEMPLATES_DIR, e.name)).includes('template.json'))
  .map((e) => join(TEMPLATES_DIR, e.name));

/** Every `<x>` / `<x>Digest` question pair of every template: the image tag and digest it defaults to. */
const manifestPins = templateDirs.flatMap((dir) => {
  const m = loadManifest(dir);
  return m.questions
    .filter((q) => m.questions.some((d) => d.name === `${q.name}Digest`))
    .map((q) => ({
      where: `${m.id}: ${q.name}`,
      tag: String(q.default),
      digest: String(m.questions.find((d) => d.name === `${q.name}Digest`)!.default),
    }));
});

/** `FROM image:tag@sha256:…` written literally in template Dockerfiles (not through an answer). */
const literalFroms = [...templateDirs, join(TEMPLATES_DIR, '_node-common')].flatMap((dir) =>
  safeList(join(dir, 'files'))
    .filter((f) => /Dockerfile/.test(f))
    .flatMap((f) => [
      ...readFileSync(join(dir, 'files', f), 'utf8').matchAll(
        /^FROM\s+(?:--platform=\S+\s+)?([^\s{]+@sha256:[0-9a-f]{64})/gm,
      ),
    ])
    .map((m) => ({ where: dir, tag: m[1]!.split('@')[0]!, digest: m[1]!.split('@')[1]! })),
);

function safeList(dir: string): string[] {
  try {
    return listFiles(dir);
  } catch {
    return [];
  }
}

describe('default image digests', () => {
  it('finds the manifests’ image questions (onnx at least)', () => {
    expect(manifestPins.map((p) => p.where)).toContain('onnx: cudaImage');
  });

  it.each(manifestPins.map((p) => [p.where, p] as const))('%s default equals the table', (_where, pin) => {
    expect(DEFAULT_PINS[pin.tag]?.indexDigest, `add ${pin.tag} to src/pins/defaults.ts`).toBe(pin.digest);
  });

  it.each(literalFroms.map((p) => [p.tag, p] as const))('hard-coded FROM %s equals the table', (_tag, pin) => {
    expect(DEFAULT_PINS[pin.tag]?.indexDigest, `add ${pin.tag} to src/pins/defaults.ts`).toBe(pin.digest);
  });

  it('every table entry is used by a template and well-formed', () => {
    const used = new Set([...manifestPins, ...literalFroms].map((p) => p.tag));
    for (const [tag, pin] of Object.entries(DEFAULT_PINS)) {
      expect(used.has(tag), `${tag} is in the table but no template uses it`).toBe(true);
      expect(parseImageRef(tag).tag).toBeDefined();
      expect(pin.indexDigest).toMatch(DIGEST);
      if (pin.amd64Digest) expect(pin.amd64Digest).toMatch(DIGEST);
      expect(pin.resolvedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
