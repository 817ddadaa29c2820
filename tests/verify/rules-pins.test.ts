// Pinning and lockfile rules (DETML001-007): a failing fixture and a suppression for each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, ignoreInFile, remove, renderProject, ruleResults, write, writeTree } from './fixture.ts';

const D = `sha256:${'b'.repeat(64)}`;
const SHA = 'a'.repeat(40);
const workflow = (body: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n${body}`;

describe('DETML001 pin/from-digest', () => {
  it('flags tags, latest and build variables; allows digests, stages and scratch', async () => {
    const dir = writeTree({
      Dockerfile: `FROM node:20 AS a\nFROM node@${D} AS b\nFROM a\nFROM scratch\nARG BASE=x\nFROM $BASE\nFROM ubuntu\n`,
    });
    const { found } = await ruleResults(dir, 'DETML001');
    expect(found.map((f) => [f.line, f.column, f.message.split(' ').slice(0, 2).join(' ')])).toEqual([
      [1, 6, 'FROM node:20'],
      [6, 6, 'FROM $BASE'],
      [7, 6, 'FROM ubuntu'],
    ]);
    expect(found[0]!.message).toMatch(
      /not pinned by digest; write node:20@sha256:<digest> \(create-detml pins resolve node:20\)\.$/,
    );
  });

  it('a "# detml-ignore" comment on the line above suppresses it, with the reason', async () => {
    const dir = writeTree({
      Dockerfile: '# detml-ignore DETML001 -- built in-house, digest set by CI\nFROM node:20\n',
    });
    const { found, suppressed } = await ruleResults(dir, 'DETML001');
    expect(found).toEqual([]);
    expect(suppressed[0]?.suppression).toEqual({ kind: 'inSource', justification: 'built in-house, digest set by CI' });
  });
});

describe('DETML002 pin/container-digest', () => {
  const body = `    container:\n      image: node:20\n    services:\n      redis: {image: "redis@${D}"}\n      db:\n        image: postgres:16\n    steps: [{run: "true"}]\n`;

  it('flags container and service images without a digest', async () => {
    const { found } = await ruleResults(writeTree({ '.github/workflows/a.yml': workflow(body) }), 'DETML002');
    expect(found.map((f) => `${f.line}: ${f.message}`)).toEqual([
      '6: Job "build": the container image node:20 is not pinned by digest; write node:20@sha256:<digest>.',
      '10: Job "build": the service image postgres:16 is not pinned by digest; write postgres:16@sha256:<digest>.',
    ]);
  });

  it('suppressed by name on the same line', async () => {
    const dir = writeTree({
      '.github/workflows/a.yml': workflow(
        body.replace('image: postgres:16', 'image: postgres:16  # detml-ignore pin/container-digest'),
      ),
    });
    const { found, suppressed } = await ruleResults(dir, 'DETML002');
    expect(found.map((f) => f.line)).toEqual([6]);
    expect(suppressed.map((f) => f.line)).toEqual([10]);
  });
});

describe('DETML003 pin/action-sha', () => {
  const steps = `    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@${SHA} # v4\n      - uses: ./.github/actions/local\n      - uses: docker://alpine:3\n      - uses: docker://alpine@${D}\n      - uses: owner/repo/path@main\n`;

  it('flags tags and branches; allows 40-hex SHAs, local actions and docker digests', async () => {
    const dir = writeTree({
      '.github/workflows/a.yml': workflow(steps) + `  reuse:\n    uses: org/wf/.github/workflows/x.yml@v1\n`,
    });
    const { found } = await ruleResults(dir, 'DETML003');
    expect(found.map((f) => f.message.split(' ')[0])).toEqual([
      'actions/checkout@v4',
      'docker://alpine:3',
      'owner/repo/path@main',
      'org/wf/.github/workflows/x.yml@v1',
    ]);
  });

  it('suppressed by a comment on the line', async () => {
    const dir = writeTree({
      '.github/workflows/a.yml': workflow('    steps:\n      - uses: actions/checkout@v4 # detml-ignore DETML003\n'),
    });
    expect(await ruleResults(dir, 'DETML003')).toMatchObject({ found: [], suppressed: [{ line: 6 }] });
  });
});

describe('npm rules on a generated onnx project', () => {
  it('DETML004 lock/npm-exact: ranges and tags in package.json; suppressed through .detml/verify.json', async () => {
    const dir = renderProject('onnx');
    edit(dir, 'package.json', (t) =>
      t
        .replace('"onnxruntime-node": "1.30.0"', '"onnxruntime-node": "^1.30.0"')
        .replace('"typescript": "5.9.3"', '"typescript": "latest"'),
    );
    const { found } = await ruleResults(dir, 'DETML004');
    expect(found.map((f) => f.message)).toEqual([
      'dependencies: onnxruntime-node is "^1.30.0", not an exact version; write the version package-lock.json has.',
      'devDependencies: typescript is "latest", not an exact version; write the version package-lock.json has.',
    ]);
    ignoreInFile(dir, 'lock/npm-exact', ['package.json']);
    expect(await ruleResults(dir, 'DETML004')).toMatchObject({
      found: [],
      suppressed: [{ suppression: { kind: 'external', justification: 'accepted in a test' } }, {}],
    });
  });

  it('DETML005 lock/npm-lockfile: version mismatch, missing integrity, missing lockfile', async () => {
    const dir = renderProject('onnx');
    edit(dir, 'package-lock.json', (t) => {
      const lock = JSON.parse(t);
      lock.packages['node_modules/onnxruntime-node'].version = '1.29.0';
      delete lock.packages['node_modules/adm-zip'].integrity;
      return JSON.stringify(lock, null, 2);
    });
    const { found } = await ruleResults(dir, 'DETML005');
    expect(found.map((f) => f.message)).toEqual([
      'node_modules/adm-zip has no "integrity" hash; delete it from the lockfile and run npm install.',
      'onnxruntime-node is locked at 1.29.0 but package.json wants 1.30.0; run npm install.',
    ]);
    write(dir, 'package-lock.json', 'not json');
    expect((await ruleResults(dir, 'DETML005')).found[0]!.message).toMatch(/^package-lock.json is not valid JSON/);
    remove(dir, 'package-lock.json');
    expect((await ruleResults(dir, 'DETML005')).found.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'package.json: package-lock.json is missing; run npm install and commit it.',
    ]);
    ignoreInFile(dir, 'DETML005');
    expect(await ruleResults(dir, 'DETML005')).toMatchObject({ found: [], suppressed: [{ path: 'package.json' }] });
  });

  it('DETML006 lock/node-version: missing engines, .nvmrc not exact or outside engines', async () => {
    const dir = renderProject('onnx');
    edit(dir, '.nvmrc', () => '20\n');
    expect((await ruleResults(dir, 'DETML006')).found.map((f) => f.message)).toEqual([
      '.nvmrc says "20", not an exact version like 20.20.2.',
    ]);
    edit(dir, '.nvmrc', () => '18.20.0\n');
    expect((await ruleResults(dir, 'DETML006')).found.map((f) => f.message)).toEqual([
      '.nvmrc\'s 18.20.0 does not satisfy engines.node ">=26.12.1 <27"; make them agree.',
    ]);
    edit(dir, 'package.json', (t) => t.replace(/"engines": \{[^}]*\},/, ''));
    expect((await ruleResults(dir, 'DETML006')).found.map((f) => f.message)).toEqual([
      'package.json has no "engines": {"node": …}; add the Node versions the project supports.',
    ]);
    ignoreInFile(dir, 'DETML006');
    expect((await ruleResults(dir, 'DETML006')).suppressed).toHaveLength(1);
  });

  it('DETML006 accepts every npm range form in engines.node (N.x, ~N, N - N+2)', async () => {
    const dir = renderProject('onnx');
    const major = Number(/^(\d+)\./.exec(readFileSync(join(dir, '.nvmrc'), 'utf8'))?.[1]);
    expect(major).toBeGreaterThanOrEqual(20);
    for (const range of [`${major}.x`, `~${major}`, `${major} - ${major + 2}`, `>=${major}.0.0 <${major + 1}`]) {
      edit(dir, 'package.json', (t) => t.replace(/"node": "[^"]*"/, `"node": "${range}"`));
      expect(
        (await ruleResults(dir, 'DETML006')).found.map((f) => f.message),
        range,
      ).toEqual([]);
    }
  });
});

describe('DETML007 lock/model-lock', () => {
  const lock = (revision: string, digest = D) =>
    JSON.stringify({ image: { digest }, model: { revision, tokenizerRevision: SHA } }, null, 2);

  it('flags a branch revision, a bad digest and a digest that differs from the Dockerfile', async () => {
    const dir = writeTree({ 'detml.lock.json': lock('main', 'sha256:short'), Dockerfile: `FROM x:1@${D}\n` });
    expect((await ruleResults(dir, 'DETML007')).found.map((f) => f.message.split(',')[0])).toEqual([
      'image.digest is "sha256:short"',
      'model.revision is "main"',
    ]);
    write(dir, 'detml.lock.json', lock(SHA, `sha256:${'c'.repeat(64)}`));
    expect((await ruleResults(dir, 'DETML007')).found[0]!.message).toMatch(
      /differs from Dockerfile's FROM digest sha256:b+; update both together/,
    );
    ignoreInFile(dir, 'DETML007', ['detml.lock.json']);
    expect(await ruleResults(dir, 'DETML007')).toMatchObject({ found: [], suppressed: [{ path: 'detml.lock.json' }] });
  });
});
