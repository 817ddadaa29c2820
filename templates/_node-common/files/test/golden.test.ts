// Golden tests. DETML_GOLDEN_MODE=check (default) compares with goldens/<class-key>/; DETML_GOLDEN_MODE=record
// (or `npm run goldens:record`) writes them. An unknown class passes with a warning and leaves candidates in out/.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { checkGoldens, goldenMode, recordGoldens, runGoldens, type GoldenFile } from '../src/detml/golden.js';
import { runtime } from '../src/detml/runtime.js';

test('outputs match the goldens of this hardware class', async () => {
  const report = await runGoldens(runtime, goldenMode());
  for (const warning of report.warnings) console.warn(`WARNING detml: ${warning}`);
  assert.ok(report.failures.length === 0, `\n${report.failures.join('\n\n')}\n`);
});

// The golden machinery itself, on temporary folders, so these run the same on every machine.
async function scratch() {
  const run = await runtime.run();
  const fp = run.fingerprint;
  const root = mkdtempSync(join(tmpdir(), 'detml-goldens-'));
  const dirs = { goldens: join(root, 'goldens'), candidates: join(root, 'candidates') };
  return { run, fp, root, dirs };
}

test('an unknown class passes with a warning and writes candidates, never goldens', async () => {
  const { run, fp, root, dirs } = await scratch();
  try {
    const report = checkGoldens(run, dirs);
    assert.deepEqual(report.failures, []);
    assert.match(report.warnings.join('\n'), /new class, not a regression/);
    assert.ok(existsSync(join(dirs.candidates, fp.classKey, `${run.results[0]!.id}.json`)));
    assert.ok(!existsSync(join(dirs.goldens, fp.classKey)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a recorded class passes, and a tampered golden fails with a readable diff', async () => {
  const { run, fp, root, dirs } = await scratch();
  try {
    recordGoldens(run, dirs);
    assert.deepEqual(checkGoldens(run, dirs).failures, []);

    const target = run.results[0]!;
    const file = join(dirs.goldens, fp.classKey, `${target.id}.json`);
    const golden = JSON.parse(readFileSync(file, 'utf8')) as GoldenFile;
    const [name, out] = Object.entries(golden.outputs)[0]!;
    out.sha256 = out.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    out.head[0] = Number(out.head[0]) + 1e-3;
    writeFileSync(file, JSON.stringify(golden));

    const report = checkGoldens(run, dirs);
    assert.equal(report.failures.length, 1);
    const diff = report.failures[0]!;
    assert.match(diff, new RegExp(`golden mismatch: case ${target.id} in class ${fp.classKey}`));
    assert.match(diff, new RegExp(`output ${name}: expected sha256 ${out.sha256}`));
    assert.match(diff, /first differing values/);
    assert.match(diff, /inputs: same as recorded/);
    assert.ok(existsSync(join(dirs.candidates, fp.classKey, `${target.id}.json`)), 'a mismatch leaves candidates');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
