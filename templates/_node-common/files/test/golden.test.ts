// Golden tests. DETML_GOLDEN_MODE=check (default) compares with goldens/<class-key>/; DETML_GOLDEN_MODE=record
// (or `npm run goldens:record`) writes them. An unknown class fails when CI is set or DETML_STRICT=1 and warns
// locally (goldens.unknownClass in detml.config.json changes the default); candidates go to out/candidates/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { checkGoldens, goldenMode, goldenOptions, recordGoldens, runGoldens, unknownClassPolicy, type GoldenFile } from '../src/detml/golden.js';
import { runtime } from '../src/detml/runtime.js';
import { runMainWithConfig } from '../src/detml/testing.js';

test('outputs match the goldens of this hardware class', async () => {
  const report = await runGoldens(runtime, goldenMode(), goldenOptions());
  for (const warning of report.warnings) console.warn(`WARNING detml: ${warning}`);
  assert.ok(report.failures.length === 0, `\n${report.failures.join('\n\n')}\n`);
});

// The golden machinery itself, on temporary folders, so these run the same on every machine.
async function scratch() {
  const run = await runtime.run();
  const fp = run.fingerprint;
  const root = mkdtempSync(join(tmpdir(), 'detml-goldens-'));
  const dirs = { goldens: join(root, 'goldens'), candidates: join(root, 'candidates') };
  return { run, fp, root, dirs, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file under a folder with its bytes, to prove that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  return Object.fromEntries(entries.map((f) => [f, statSync(join(dir, f)).isDirectory() ? 'folder' : readFileSync(join(dir, f), 'base64')]));
}

/** Changes the first value of the first output of `file` by one float32 ULP, keeping the golden self-consistent but wrong. */
function nudgeFirstValue(file: string): { name: string; golden: GoldenFile } {
  const golden = JSON.parse(readFileSync(file, 'utf8')) as GoldenFile;
  const [name, out] = Object.entries(golden.outputs)[0]!;
  assert.equal(out.dtype, 'float32', 'the demo model outputs float32');
  const bytes = Buffer.from(out.data!, 'base64');
  bytes.writeUInt32LE(bytes.readUInt32LE(0) + 1, 0);
  out.data = bytes.toString('base64');
  out.head[0] = bytes.readFloatLE(0);
  out.sha256 = out.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  writeFileSync(file, JSON.stringify(golden));
  return { name, golden };
}

test('an unknown class warns locally with the exact record command, and writes candidates, never goldens', async () => {
  const { run, fp, dirs, cleanup } = await scratch();
  try {
    const report = checkGoldens(run, dirs, goldenOptions({}, { CI: undefined }));
    assert.deepEqual(report.failures, []);
    assert.match(report.warnings.join('\n'), new RegExp(`no goldens for hardware class ${fp.classKey}`));
    assert.match(report.warnings.join('\n'), /To record this class on this machine: npm run goldens:record/);
    assert.ok(existsSync(join(dirs.candidates, fp.classKey, `${run.results[0]!.id}.json`)));
    assert.ok(!existsSync(join(dirs.goldens, fp.classKey)));
  } finally {
    cleanup();
  }
});

test('an unknown class fails under CI=true and with --strict / DETML_STRICT=1; goldens.unknownClass changes the default', async () => {
  const { run, fp, dirs, cleanup } = await scratch();
  try {
    const report = checkGoldens(run, dirs, goldenOptions({}, { CI: 'true' }));
    assert.equal(report.failures.length, 1);
    assert.match(report.failures[0]!, new RegExp(`no goldens for hardware class ${fp.classKey}`));
    assert.ok(existsSync(join(dirs.candidates, fp.classKey)), 'the candidates are there for CI to upload');
    assert.ok(!existsSync(join(dirs.goldens, fp.classKey)));
    assert.equal(goldenOptions({ strict: true }, {}).unknownClass, 'fail');
    assert.equal(goldenOptions({}, { DETML_STRICT: '1' }).unknownClass, 'fail');
    assert.equal(goldenOptions({}, { CI: 'false' }).unknownClass, 'warn');
    assert.equal(unknownClassPolicy(false, 'warn', { CI: 'true' }), 'warn');
    assert.equal(unknownClassPolicy(false, 'fail', {}), 'fail');
    assert.equal(unknownClassPolicy(true, 'warn', {}), 'fail');
  } finally {
    cleanup();
  }
});

test('goldens.unknownClass accepts only "fail" or "warn" (one clear line otherwise)', () => {
  const child = runMainWithConfig<Record<string, unknown>>((config) => (config.goldens = { unknownClass: 'ignore' }));
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /^detml: .*detml\.config\.json: "goldens\.unknownClass" must be "fail" or "warn"\n$/);
});

test('a recorded class passes, and a changed golden fails with a readable diff that counts the differing values', async () => {
  const { run, fp, dirs, cleanup } = await scratch();
  try {
    recordGoldens(run, dirs);
    assert.deepEqual(checkGoldens(run, dirs).failures, []);
    const target = run.results[0]!;
    const { name, golden } = nudgeFirstValue(join(dirs.goldens, fp.classKey, `${target.id}.json`));

    const report = checkGoldens(run, dirs);
    assert.equal(report.failures.length, 1);
    const diff = report.failures[0]!;
    assert.match(diff, new RegExp(`golden mismatch: case ${target.id} in class ${fp.classKey}`));
    assert.match(diff, new RegExp(`output ${name}: expected sha256 ${golden.outputs[name]!.sha256}`));
    assert.match(diff, /1 of \d+ values differ, at most 1 ulp/);
    assert.match(diff, /first differing values/);
    assert.match(diff, /inputs: same as recorded/);
    assert.ok(existsSync(join(dirs.candidates, fp.classKey, `${target.id}.json`)), 'a mismatch leaves candidates');
  } finally {
    cleanup();
  }
});

test('record refuses to overwrite differing goldens without --force, says what changes, and leaves the files unchanged', async () => {
  const { run, fp, dirs, cleanup } = await scratch();
  try {
    recordGoldens(run, dirs);
    const dir = join(dirs.goldens, fp.classKey);
    assert.deepEqual(recordGoldens(run, dirs).failures, [], 're-recording the same results is allowed');
    nudgeFirstValue(join(dir, `${run.results[0]!.id}.json`));
    writeFileSync(join(dir, 'gone-case.json'), readFileSync(join(dir, `${run.results[1]!.id}.json`)));
    const before = snapshot(dir);

    const refused = recordGoldens(run, dirs);
    assert.equal(refused.failures.length, 1);
    assert.match(refused.failures[0]!, /refusing to overwrite .*nothing was written/);
    assert.match(refused.failures[0]!, new RegExp(`golden mismatch: case ${run.results[0]!.id}`));
    assert.match(refused.failures[0]!, /gone-case\.json: would be deleted/);
    assert.match(refused.failures[0]!, /npm run goldens:record -- --force/);
    assert.deepEqual(snapshot(dir), before, 'the goldens are byte for byte as they were');

    const forced = recordGoldens(run, dirs, { force: true });
    assert.deepEqual(forced.failures, []);
    assert.match(forced.warnings.join('\n'), /--force: replaced differing goldens/);
    assert.deepEqual(checkGoldens(run, dirs).failures, []);
    assert.ok(!existsSync(join(dir, 'gone-case.json')));
  } finally {
    cleanup();
  }
});

test('a golden recorded for another model fails the check even when the outputs match', async () => {
  const { run, fp, dirs, cleanup } = await scratch();
  try {
    recordGoldens({ ...run, modelSha256: 'f'.repeat(64) }, dirs);
    const report = checkGoldens(run, dirs);
    assert.equal(report.failures.length, run.results.length);
    assert.match(report.failures[0]!, new RegExp(`recorded for model sha256 f{64}, the current model is ${run.modelSha256}`));
    assert.ok(existsSync(join(dirs.goldens, fp.classKey)));
  } finally {
    cleanup();
  }
});

test('cross-class report: identical to a class that differs only in a non-numeric field; counts values and ULP otherwise', async () => {
  const { run, fp, dirs, cleanup } = await scratch();
  try {
    recordGoldens(run, dirs);
    // Same numbers, another class: only the image digest (not a numeric fact on this machine) differs.
    const strict = { ...fp.strict, imageDigest: `sha256:${'a'.repeat(64)}` };
    const other = { ...run, fingerprint: { ...fp, classKey: `${fp.classKey}-other`, strict } };
    const same = checkGoldens(other, dirs, { unknownClass: 'warn' }).warnings.join('\n');
    assert.match(same, new RegExp(`identical to class ${fp.classKey}; strict fields that differ: strict\\.imageDigest`));

    nudgeFirstValue(join(dirs.goldens, fp.classKey, `${run.results[0]!.id}.json`));
    const differs = checkGoldens(other, dirs, { unknownClass: 'fail' }).failures.join('\n');
    assert.match(differs, new RegExp(`differs from class ${fp.classKey} in 1 values, at most 1 ULP`));
  } finally {
    cleanup();
  }
});
