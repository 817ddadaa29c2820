// Helpers for the project's own tests (test/*.test.ts), shared by the Node templates; nothing at run time imports
// this module. It sits here rather than in test/ because `node --test dist/test/` runs every file there as a test file.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { configFile } from './config-core.js';

/** The compiled entrypoint, dist/src/main.js (this file compiles to dist/src/detml/testing.js). */
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** Runs the compiled entrypoint in a fresh process with exactly this environment. */
export function runMain(env: Record<string, string | undefined>, args: string[] = []): SpawnSyncReturns<string> {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return spawnSync(process.execPath, [MAIN, ...args], { env: clean, encoding: 'utf8' });
}

/** Asserts that two fresh processes (the entrypoint with --json) print exactly the case results computed in-process. */
export function assertFreshProcessesMatch(inProcess: unknown): void {
  const processes = [1, 2].map(() => {
    const child = runMain(process.env, ['--json']);
    assert.equal(child.status, 0, child.stderr);
    return (JSON.parse(child.stdout) as { cases: unknown }).cases;
  });
  assert.deepEqual(processes[0], inProcess, 'fresh process 1 vs in-process');
  assert.deepEqual(processes[1], inProcess, 'fresh process 2 vs in-process');
}

/** One test per required variable: unset or with another value, the entrypoint refuses in one clear line. */
export function testRefusalsWithout(keys: readonly string[]): void {
  for (const key of keys) {
    test(`the entrypoint refuses to run without ${key}`, () => {
      for (const value of [undefined, 'wrong']) {
        const child = runMain({ ...process.env, [key]: value });
        assert.notEqual(child.status, 0);
        assert.equal(child.stdout, '');
        const lines = child.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `one clear line, got:\n${child.stderr}`);
        assert.match(lines[0]!, new RegExp(`^detml: refusing to run: ${key} must be`));
      }
    });
  }
}

/** Runs the entrypoint on a copy of detml.config.json changed by `edit` (passed through DETML_CONFIG). */
export function runMainWithConfig<T>(edit: (config: T) => void): SpawnSyncReturns<string> {
  const dir = mkdtempSync(join(tmpdir(), 'detml-config-'));
  try {
    const config = JSON.parse(readFileSync(configFile(), 'utf8')) as T;
    edit(config);
    writeFileSync(join(dir, 'detml.config.json'), JSON.stringify(config));
    return runMain({ ...process.env, DETML_CONFIG: join(dir, 'detml.config.json') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
