// verify's outputs: text, --json and SARIF 2.1.0 (validated against the OASIS schema), exit codes and usage errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { edit, renderProject, writeTree } from './fixture.ts';

/** The SARIF 2.1.0 schema (rtm.5, as published on schemastore), loaded into Ajv (it is written in draft-04 style). */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/verify/sarif-2.1.0-rtm.5.json'), 'utf8'));
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  // ajv-formats is CommonJS: under NodeNext its default export is the module object.
  const addFormats = (formats as unknown as { default: (a: Ajv) => void }).default ?? formats;
  addFormats(ajv);
  return ajv.compile(schema);
}

function badProject(): string {
  const dir = renderProject('onnx');
  edit(dir, 'Dockerfile', (t) =>
    t.replace(
      /^(FROM --platform=linux\/amd64 nvidia\/cuda:\S+)@sha256:[0-9a-f]+/m,
      '# detml-ignore DETML001 -- reviewed\n$1',
    ),
  );
  edit(dir, '.github/workflows/ci.yml', (t) => t.replace(/actions\/checkout@[0-9a-f]{40}/, 'actions/checkout@v4'));
  return dir;
}

describe('verify output', () => {
  it('SARIF 2.1.0: valid against the schema, one rule per id, results located, suppressions carried', async () => {
    const dir = badProject();
    const r = await runCli(['verify', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(
      validate({ ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0].results[0], level: 'fatal' }] }] }),
    ).toBe(false);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('create-detml');
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual([
      ...new Set(run.tool.driver.rules.map((x: { id: string }) => x.id)),
    ]);
    const byRule = (id: string) => run.results.filter((x: { ruleId: string }) => x.ruleId === id);
    expect(byRule('DETML003')[0]).toMatchObject({
      level: 'error',
      ruleIndex: run.tool.driver.rules.findIndex((x: { id: string }) => x.id === 'DETML003'),
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: '.github/workflows/ci.yml', uriBaseId: '%SRCROOT%' },
            region: { startLine: expect.any(Number) },
          },
        },
      ],
    });
    expect(byRule('DETML001')[0].suppressions).toEqual([{ kind: 'inSource', justification: 'reviewed' }]);
    // The edited owned files are findings too (the suppression comment is an edit of an owned file).
    expect(
      byRule('DETML030').map(
        (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          x.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(['.github/workflows/ci.yml', 'Dockerfile']);
  });

  it('text and --json list the same findings; exit 1 with findings, 0 without', async () => {
    const dir = badProject();
    const text = await runCli(['verify'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^\.github\/workflows\/ci\.yml:\d+:\d+ {2}actions\/checkout@v4 is not pinned by a full commit SHA; .* \[DETML003 pin\/action-sha\]$/m,
    );
    expect(text.stdout).toMatch(/\nHow to fix:\n {2}DETML003 pin\/action-sha: /);
    expect(text.stdout).toMatch(/\nverify: 3 findings, 1 suppressed \(19 rules checked\)\.\n$/);
    const json = JSON.parse((await runCli(['verify', dir, '--json'], { cwd: ROOT })).stdout);
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['DETML030', 'DETML003', 'DETML030']);
    expect(json.suppressed).toEqual([
      expect.objectContaining({
        ruleId: 'DETML001',
        name: 'pin/from-digest',
        suppression: { kind: 'inSource', justification: 'reviewed' },
      }),
    ]);
    const only = await runCli(['verify', '--rule', 'DETML001', '--rule', 'pin/action-sha'], { cwd: dir });
    expect(only.stdout).toMatch(/1 finding, 1 suppressed \(2 rules checked\)/);
    const clean = await runCli(['verify', '--rule', 'DETML002'], { cwd: dir });
    expect([clean.code, clean.stdout]).toEqual([0, 'verify: no findings (1 rules checked).\n']);
  });

  it('usage errors exit 2 with one line; --list-rules and --help', async () => {
    const cwd = writeTree({ 'README.md': 'x\n' });
    const cases = await Promise.all([
      runCli(['verify', '--format', 'xml'], { cwd }),
      runCli(['verify', '--rule', 'NOPE'], { cwd }),
      runCli(['verify', 'a', 'b'], { cwd }),
      runCli(['verify', '--bogus'], { cwd }),
    ]);
    for (const c of cases) {
      expect(c.code).toBe(2);
      expect(c.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(cases[0]!.stderr).toBe('error: --format must be text, json or sarif (got "xml").\n');
    const list = await runCli(['verify', '--list-rules'], { cwd });
    expect(list.stdout.trim().split('\n')).toHaveLength(19);
    expect(list.stdout).toMatch(/^DETML001 {2}pin\/from-digest/);
    expect((await runCli(['verify', '--help'], { cwd })).stdout).toMatch(/^Usage: create-detml verify \[dir\]/);
    expect((await runCli(['--help'], { cwd })).stdout).toMatch(/create-detml verify \[dir\] \[options\]/);
  });

  it('a malformed .detml/verify.json is a usage error, not silently ignored', async () => {
    const cwd = writeTree({ '.detml/verify.json': '{"ignore": [{"rule": "DETML999", "reason": "x"}]}' });
    const r = await runCli(['verify'], { cwd });
    expect([r.code, r.stderr]).toEqual([
      2,
      'error: .detml/verify.json: ignore[0].rule "DETML999" is not a verify rule id or name.\n',
    ]);
  });
});
