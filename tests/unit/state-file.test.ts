import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { buildState, parseState, readState, serializeState, STATE_PATH } from '../../src/state/state-file.ts';
import { GENERATOR_VERSION } from '../../src/version.ts';
import { tempDir } from '../helpers/tmp.ts';

const tree = [
  { path: 'b.txt', contents: Buffer.from('b'), mode: 0o644 as const },
  { path: 'a.txt', contents: Buffer.from('a'), mode: 0o755 as const },
];
const state = buildState(
  {
    generator: { name: 'create-detml', version: '0.1.0' },
    template: { id: 'onnx', version: '1.0.0' },
    answers: { name: 'x', seed: 7, gpu: true },
  },
  tree,
  (p) => (p === 'a.txt' ? 'owned' : 'merged'),
);

describe('state file', () => {
  it('round-trips through disk with sorted paths and hashes', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.detml'));
    writeFileSync(join(dir, STATE_PATH), serializeState(state));
    const read = readState(dir);
    expect(read).toEqual(state);
    expect(Object.keys(read.files)).toEqual(['a.txt', 'b.txt']);
    expect(read.files['a.txt']).toEqual({
      sha256: 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
      ownership: 'owned',
    });
  });

  it('serialises deterministically', () => {
    const shuffled = { ...state, files: Object.fromEntries(Object.entries(state.files).reverse()) };
    expect(serializeState(shuffled)).toBe(serializeState(state));
    expect(serializeState(state).endsWith('}\n')).toBe(true);
  });

  it('keeps the hand-set fleet opt-out, and validates it', () => {
    const withFleet = { ...state, fleet: { optOut: true, reason: 'frozen for the paper' } };
    expect(parseState(serializeState(withFleet), 'x')).toEqual(withFleet);
    expect(() => parseState(JSON.stringify({ ...withFleet, fleet: { optOut: 'yes' } }), 'x')).toThrow(
      'x is corrupt: $.fleet.optOut: must be true or false (got "yes").',
    );
    expect(() => parseState(JSON.stringify({ ...withFleet, fleet: { optout: true } }), 'x')).toThrow(
      'x is corrupt: $.fleet.optout: is not a known key.',
    );
  });

  it('points editors at the published schema, and keeps the generator integrity', () => {
    const text = serializeState({
      ...state,
      generator: { ...state.generator, integrity: `sha512-${'A'.repeat(86)}==` },
    });
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(raw)[0]).toBe('$schema');
    expect(raw.$schema).toBe(`https://unpkg.com/create-detml@${GENERATOR_VERSION}/schemas/state.schema.json`);
    expect(parseState(text, 'x').generator.integrity).toBe(`sha512-${'A'.repeat(86)}==`);
    expect(() => parseState(text.replace('sha512-', 'sha1-'), 'x')).toThrow(
      'x is corrupt: $.generator.integrity: must be an npm integrity value',
    );
  });

  it('reports every problem at once, each with its JSON path', () => {
    const bad = {
      ...good,
      generator: { name: 1 },
      template: { id: 'onnx', version: '1.2.3junk' },
      files: { 'a b': { sha256: 'x', ownership: 'mine' } },
    };
    expect(() => parseState(JSON.stringify(bad), 'state.json')).toThrow(
      [
        'state.json is corrupt: $.generator.version: is required',
        '$.generator.name: must be a string (got 1)',
        '$.template.version: must be a semver version like 1.2.3 (no "v", nothing after it) (got "1.2.3junk")',
        '$.files["a b"].sha256: must be 64 lower-case hex digits (got "x")',
        '$.files["a b"].ownership: must be one of "owned", "merged", "seeded" (got "mine")',
      ].join('; ') + '. Restore it from git',
    );
  });

  it('names the fix when the file is missing', () => {
    expect(() => readState(tempDir())).toThrow(/\.detml\/state\.json not found .*created by create-detml/);
  });

  const good = JSON.parse(serializeState(state));
  it.each([
    ['{not json', /not valid JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ ...good, schema: 2 }), /schema 2 is newer than this create-detml understands/],
    [JSON.stringify({ ...good, schema: 0 }), '$.schema: must be 1 (got 0)'],
    [
      JSON.stringify({ ...good, template: { id: 'onnx', version: 'latest' } }),
      '$.template.version: must be a semver version',
    ],
    [
      JSON.stringify({ ...good, answers: { seed: [1] } }),
      '$.answers.seed: must be a string or a number or true or false (got [1])',
    ],
    [
      JSON.stringify({ ...good, files: { 'a.txt': { sha256: 'xyz', ownership: 'owned' } } }),
      '$.files["a.txt"].sha256: must be 64 lower-case hex digits (got "xyz")',
    ],
    [
      JSON.stringify({ ...good, files: { 'a.txt': { sha256: 'a'.repeat(64), ownership: 'mine' } } }),
      '$.files["a.txt"].ownership: must be one of',
    ],
  ])('rejects corrupt state %#', (text, message) => {
    expect(() => parseState(text, 'state.json')).toThrow(UserError);
    expect(() => parseState(text, 'state.json')).toThrow(message);
    expect(() => parseState(text, 'state.json')).toThrow(/Restore it from git/);
  });
});
