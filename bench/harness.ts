import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/** One command to time: argv, working folder, and a step run before every timed run (e.g. remove the output). */
export interface Command {
  name: string;
  argv: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  prepare?: () => void;
}

/** Medians in ms per command, and every sample. */
export interface Timing {
  name: string;
  medianMs: number;
  samples: number[];
}

/**
 * Times commands interleaved (A, B, C, A, B, C, ...) rather than one after another, so load changes on a shared
 * machine hit every command alike; reports medians, which resist the outliers such machines produce.
 */
export function timeInterleaved(commands: Command[], runs: number, warmup = 2): Timing[] {
  const samples = commands.map(() => [] as number[]);
  for (let r = -warmup; r < runs; r++) {
    commands.forEach((c, i) => {
      c.prepare?.();
      const start = process.hrtime.bigint();
      const out = spawnSync(c.argv[0]!, c.argv.slice(1), {
        cwd: c.cwd,
        env: c.env ?? process.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (out.status !== 0)
        throw new Error(`${c.name} failed (${out.status}): ${out.stderr?.toString().slice(0, 500)}`);
      if (r >= 0) samples[i]!.push(ms);
    });
  }
  return commands.map((c, i) => ({ name: c.name, medianMs: median(samples[i]!), samples: samples[i]! }));
}

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The environment every timed command runs in: this one, with CI set, and without NODE_EXTRA_CA_CERTS. Node reads
 * and parses that file in every process before any script runs (a whole CA bundle costs ~30 ms on the development
 * machine), which users' machines do not pay: against another Node command it would flatter the ratio, against git
 * alone (sync's floors) it would weigh on ours only. Where it is set, `node -e 0` with it is timed too, so the report
 * shows the difference. The start-up, sync and large-binary benchmarks all time their commands in it.
 */
export function usersEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * Clears a command's output before each timed run by moving it into `graveyard`, which the caller removes after the
 * timings. Deleting it there instead would bill every later run for the deletion: ext4 will not reuse an inode freed
 * within the last minute or more, and scans past each such one when it allocates a new one. On the development
 * machine 43 files took 1–2 ms to create in a quiet place and 5–22 ms in /tmp after a few thousand deletions there, a
 * cost that grows with the number of files a command writes and that a user who runs it once does not pay.
 */
export function setAside(graveyard: string): (path: string) => () => void {
  let moved = 0;
  return (path) => () => {
    if (!existsSync(path)) return;
    mkdirSync(graveyard, { recursive: true });
    renameSync(path, join(graveyard, String(moved++)));
  };
}
