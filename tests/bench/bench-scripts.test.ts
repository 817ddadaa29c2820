// The benchmarks are measured by `npm run bench`, never here; this only keeps their scripts working on a tiny setting.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setAside, timeInterleaved } from '../../bench/harness.ts';
import { formatBinaryBench, runBinaryBench } from '../../bench/large-binary.ts';
import { formatStartup, startupNote } from '../../bench/startup.ts';
import { usersEnv } from '../../bench/harness.ts';
import { formatSyncBench, runSyncBench } from '../../bench/sync.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('benchmark scripts (small setting)', () => {
  it('the interleaving harness times every command and reports medians', () => {
    const timings = timeInterleaved([{ name: 'node', argv: [process.execPath, '-e', '0'], cwd: tempDir() }], 3, 0);
    expect(timings).toHaveLength(1);
    expect(timings[0]!.samples).toHaveLength(3);
    expect(timings[0]!.medianMs).toBeGreaterThan(0);
  });

  it("set-aside clears an output before each run by moving it, so no run's deletion is billed to a later one", () => {
    const dir = tempDir();
    const output = join(dir, 'demo');
    const clear = setAside(join(dir, 'graveyard'))(output);
    clear(); // nothing there yet
    for (const text of ['first', 'second']) {
      mkdirSync(output);
      writeFileSync(join(output, 'a.txt'), text);
      clear();
      expect(existsSync(output)).toBe(false);
    }
    expect(
      readdirSync(join(dir, 'graveyard'))
        .sort()
        .map((n) => readFileSync(join(dir, 'graveyard', n, 'a.txt'), 'utf8')),
    ).toEqual(['first', 'second']);
  });

  it('the start-up rows hold create to ≤ 1.5× create-vite warm and ≤ 2× on a first run, each with its floor', () => {
    const timing = (name: string, medianMs: number) => ({ name, medianMs, samples: [medianMs] });
    const rows = formatStartup([
      timing('node -e 0', 50),
      timing('create-detml --help', 60),
      timing('create-detml --version', 70),
      timing('create-detml create (onnx)', 150),
      timing('create-detml create (onnx), no code cache', 201),
      timing('create-vite (react-ts)', 100),
      timing('create-t3-app', 400),
    ]);
    expect(rows).toEqual([
      expect.stringMatching(
        /^\| `create-detml demo .*\| 150 ms \| 1\.50× create-vite \(100 ms\) \| ≤ 1\.5× \| met \|$/,
      ),
      expect.stringMatching(
        /^\| same, first run .*\| 201 ms \| 2\.01× create-vite \(100 ms\) \| ≤ 2× \| \*\*not met\*\* \|$/,
      ),
      expect.stringMatching(/create-t3-app .*\| 0\.38× create-t3-app \(400 ms\) \| ≤ 0\.5× \| met \|$/),
      expect.stringMatching(/--help.*\| 1\.20× `node -e 0` \(50 ms\) \| ≤ 1\.3× \| met \|$/),
      expect.stringMatching(/--version.*\| 1\.40× `node -e 0` \(50 ms\) \| ≤ 1\.3× \| \*\*not met\*\* \|$/),
    ]);
  });

  it("start-up runs without the machine's NODE_EXTRA_CA_CERTS, and the report says what it would have added", () => {
    const before = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = '/etc/ssl/certs/ca-certificates.crt';
    try {
      const env = usersEnv();
      expect(env.NODE_EXTRA_CA_CERTS).toBeUndefined();
      expect(env.CI).toBe('1');
    } finally {
      if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = before;
    }
    const timing = (name: string, medianMs: number) => ({ name, medianMs, samples: [medianMs] });
    expect(startupNote([timing('node -e 0', 40)])).toBe('');
    expect(startupNote([timing('node -e 0', 40), timing('node -e 0, with NODE_EXTRA_CA_CERTS', 71)])).toBe(
      'This machine sets NODE_EXTRA_CA_CERTS: `node -e 0` takes 71 ms with it, 40 ms without; every command above ran without it (bench/startup.ts).',
    );
  });

  it('the sync benchmark syncs a project, replays its git commands and times the git floor', () => {
    const [small, large] = runSyncBench(20, 2, 1);
    expect(small!.userFiles).toBe(2);
    expect(large!.userFiles).toBe(20);
    expect(large!.gitSpawns).toBeGreaterThan(5);
    // Run again, the sync writes no object the first one wrote.
    expect(large!.gitSpawnsAgain).toBeLessThan(large!.gitSpawns);
    expect(large!.syncMs).toBeGreaterThan(0);
    expect(large!.firstSyncMs).toBeGreaterThan(0);
    expect(large!.rawGitMs).toBeGreaterThan(0);
    expect(large!.floorMs).toBeGreaterThan(0);
    expect(formatSyncBench(large!)).toMatch(/^20 files: sync \d+ ms, \d+ git spawns; .* git floor \d+ ms \(\d+\.\d\d×/);
  }, 120_000);

  it('the large-binary benchmark measures create and sync next to their floors, with peak memory', () => {
    const result = runBinaryBench(2, 1);
    for (const m of Object.values(result.measures)) {
      expect(m.ms).toBeGreaterThan(0);
      expect(m.peakRssMb).toBeGreaterThan(0);
    }
    const rows = formatBinaryBench(result);
    expect(rows).toHaveLength(8);
    expect(rows.join('\n')).toContain('2 MB binary replaced');
    expect(rows.join('\n')).toContain('2 MB binary the user replaced');
  }, 120_000);
});
