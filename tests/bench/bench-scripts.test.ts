// The benchmarks are measured by `npm run bench`, never here; this only keeps their scripts working on a tiny setting.
import { describe, expect, it } from 'vitest';
import { timeInterleaved } from '../../bench/harness.ts';
import { formatBinaryBench, runBinaryBench } from '../../bench/large-binary.ts';
import { formatSyncBench, runSyncBench } from '../../bench/sync.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('benchmark scripts (small setting)', () => {
  it('the interleaving harness times every command and reports medians', () => {
    const timings = timeInterleaved([{ name: 'node', argv: [process.execPath, '-e', '0'], cwd: tempDir() }], 3, 0);
    expect(timings).toHaveLength(1);
    expect(timings[0]!.samples).toHaveLength(3);
    expect(timings[0]!.medianMs).toBeGreaterThan(0);
  });

  it('the sync benchmark syncs a project, replays its git commands and times the git floor', () => {
    const [small, large] = runSyncBench(20, 2, 1);
    expect(small!.userFiles).toBe(2);
    expect(large!.userFiles).toBe(20);
    expect(large!.gitSpawns).toBeGreaterThan(5);
    expect(large!.syncMs).toBeGreaterThan(0);
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
