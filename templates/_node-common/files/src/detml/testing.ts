// Helpers for the project's own tests (test/*.test.ts), shared by the Node templates; nothing at run time imports
// this module. It sits here rather than in test/ because `node --test dist/test/` runs every file there as a test file.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** One GPU as the fake nvidia-smi prints it (the --query-gpu fields fingerprint-core asks for, in order). */
export interface FakeGpu {
  index: number;
  uuid: string;
  name: string;
  pciDeviceId?: string;
  computeCap?: string;
  memoryMiB?: number;
  migMode?: string;
  driver?: string;
  /** MIG instances as `nvidia-smi -L` lists them under the GPU: [profile, MIG-uuid]. */
  migs?: Array<[string, string]>;
}

/**
 * Runs `fn` with an executable `nvidia-smi` first on PATH that reports `gpus`, and with `env` set (undefined unsets);
 * everything is restored afterwards. Lets the tests prove what the class key holds on GPU boxes this machine is not.
 */
export function withFakeGpus<T>(gpus: readonly FakeGpu[], env: Record<string, string | undefined>, fn: () => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'detml-fake-smi-'));
  const csv = gpus.map((g) => [g.index, g.uuid, g.name, g.pciDeviceId ?? '0x233010DE', g.computeCap ?? '9.0', g.memoryMiB ?? 81559, g.migMode ?? 'Disabled', g.driver ?? '580.65.06'].join(', '));
  const list = gpus.flatMap((g) => [`GPU ${g.index}: ${g.name} (UUID: ${g.uuid})`, ...(g.migs ?? []).map(([profile, uuid], i) => `  MIG ${profile}     Device  ${i}: (UUID: ${uuid})`)]);
  writeFileSync(join(dir, 'query.csv'), `${csv.join('\n')}\n`);
  writeFileSync(join(dir, 'list.txt'), `${list.join('\n')}\n`);
  writeFileSync(join(dir, 'nvidia-smi'), `#!/bin/sh\nif [ "$1" = "-L" ]; then cat "${dir}/list.txt"; else cat "${dir}/query.csv"; fi\n`);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  const saved = { ...process.env };
  process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return fn();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(dir, { recursive: true, force: true });
  }
}
