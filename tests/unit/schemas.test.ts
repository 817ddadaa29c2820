// The published JSON Schemas (schemas/, in the package's "files") are what editors validate with: a fresh ajv, as an
// editor would use, must accept what create-detml writes and ships, and the CLI bundles must not carry a compiler.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildState, serializeState } from '../../src/state/state-file.ts';
import { ROOT, TEMPLATES_DIR } from '../helpers/paths.ts';

const schema = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;

function editorAjv() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const name of ['template', 'state', 'fleet-repos']) ajv.addSchema(schema(name));
  return ajv;
}

describe('published JSON Schemas', () => {
  it('are in the package, and every shipped template.json passes its schema', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schemas');
    const validate = editorAjv().getSchema(schema('template').$id as string)!;
    const manifests = readdirSync(TEMPLATES_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(TEMPLATES_DIR, e.name, 'template.json'))
      .filter((f) => readdirSync(join(f, '..')).includes('template.json'));
    expect(manifests.length).toBeGreaterThanOrEqual(3);
    for (const file of manifests)
      expect([file, validate(JSON.parse(readFileSync(file, 'utf8'))), validate.errors]).toEqual([file, true, null]);
  });

  it('the state file create-detml writes names its schema and passes it', () => {
    const state = buildState(
      {
        generator: { name: 'create-detml', version: '0.1.0', integrity: `sha512-${'b'.repeat(86)}==` },
        template: { id: 'onnx', version: '1.2.0' },
        answers: { a: 1 },
        fleet: { optOut: true },
      },
      [{ path: 'a.txt', contents: Buffer.from('a'), mode: 0o644 }],
      () => 'merged',
    );
    const written = JSON.parse(serializeState(state)) as { $schema: string };
    expect(written.$schema).toMatch(/^https:\/\/unpkg\.com\/create-detml@[^/]+\/schemas\/state\.schema\.json$/);
    const validate = editorAjv().getSchema(schema('state').$id as string)!;
    expect([validate(written), validate.errors]).toEqual([true, null]);
  });

  it('are compiled at build time: no bundle carries ajv or a schema compiler', () => {
    const dist = join(ROOT, 'dist');
    for (const file of readdirSync(dist).filter((f) => /^(main|create|sync|fleet|pins)\.cjs$/.test(f))) {
      const code = readFileSync(join(dist, file), 'utf8');
      expect([file, code.includes('unknown keyword: '), code.includes('schema with key or id')]).toEqual([
        file,
        false,
        false,
      ]);
    }
  });
});
