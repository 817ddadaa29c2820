import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh folder under the OS temp dir, removed when the current test finishes. */
export function tempDir(prefix = 'detml-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const forSuite: string[] = [];
process.on('exit', () => forSuite.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh folder for a whole suite (e.g. made in beforeAll), removed when the test worker exits. */
export function suiteTempDir(prefix = 'detml-suite-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  forSuite.push(dir);
  return dir;
}
