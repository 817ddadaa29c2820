// Sync benchmark: a generated project with many extra user files and a long history, synced with `--local`,
// next to the raw git commands that sync needs (replayed from a trace of the same run).
//   npm run bench -- sync [userFiles=5000] [commits=300] [runs=5]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin.cjs');
const HISTORY = join(ROOT, 'tests', 'fixtures', 'history');
const ID = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];

/** One measured setting: medians in milliseconds. */
export interface SyncBenchResult {
  userFiles: number;
  commits: number;
  runs: number;
  syncMs: number;
  rawGitMs: number;
  gitCommands: number;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...ID, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Builds the project once: created at demo@1.0.0, then `commits` commits that add `userFiles` files in all. */
function buildProject(root: string, userFiles: number, commits: number): string {
  const templates = join(root, 'templates');
  cpSync(HISTORY, templates, { recursive: true });
  rmSync(join(templates, 'demo@1.2.0'), { recursive: true });
  rmSync(join(templates, 'demo@1.1.0'), { recursive: true });
  execFileSync(process.execPath, [BIN, 'proj', '--template', 'demo', '--template-root', templates, '--no-install'], {
    cwd: root,
    env: { ...process.env, CI: '1' },
  });
  const dir = join(root, 'proj');
  const perCommit = Math.ceil(userFiles / commits);
  for (let c = 0, n = 0; c < commits; c++) {
    for (let i = 0; i < perCommit && n < userFiles; i++, n++) {
      const file = join(dir, 'data', `d${n % 50}`, `f${n}.txt`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `user file ${n}\n`);
    }
    writeFileSync(
      join(dir, 'config.txt'),
      readFileSync(join(dir, 'config.txt'), 'utf8').replace(/^line 18.*$/m, `line 18 edit ${c}`),
    );
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', `user commit ${c}`);
  }
  cpSync(join(HISTORY, 'demo@1.1.0'), join(templates, 'demo@1.1.0'), { recursive: true });
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Replays traced git commands in `dir` and returns the wall time in ms. */
function replay(dir: string, traceFile: string, scratch: string): { ms: number; commands: number } {
  const lines = readFileSync(traceFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { args: string[]; env: Record<string, string>; input: string });
  const start = performance.now();
  for (const l of lines) {
    const env = { ...process.env, ...l.env };
    if (l.env.GIT_INDEX_FILE) env.GIT_INDEX_FILE = join(scratch, l.env.GIT_INDEX_FILE.replace(/[/\\]/g, '_'));
    const args = l.args.map((a) => (a.startsWith('--export-marks=') ? `--export-marks=${join(scratch, 'marks')}` : a));
    spawnSync('git', args, { cwd: dir, env, input: Buffer.from(l.input, 'base64'), maxBuffer: 1 << 28 });
  }
  return { ms: performance.now() - start, commands: lines.length };
}

/** Runs the benchmark for one setting. */
export function benchSync(userFiles: number, commits: number, runs: number): SyncBenchResult {
  const root = mkdtempSync(join(tmpdir(), 'detml-bench-sync-'));
  try {
    const dir = buildProject(root, userFiles, commits);
    const templates = join(root, 'templates');
    const sync: number[] = [];
    const raw: number[] = [];
    let commands = 0;
    for (let r = 0; r < runs; r++) {
      const traceFile = join(root, `trace-${r}.jsonl`);
      const start = performance.now();
      const out = spawnSync(process.execPath, [BIN, 'sync', '--local', '--to', '1.1.0', '--template-root', templates], {
        cwd: dir,
        env: { ...process.env, DETML_GIT_TRACE: traceFile },
      });
      sync.push(performance.now() - start);
      if (out.status !== 0) throw new Error(`sync failed: ${out.stderr}`);
      git(dir, 'reset', '-q', '--hard', 'HEAD');
      const scratch = mkdtempSync(join(root, 'replay-'));
      const replayed = replay(dir, traceFile, scratch);
      raw.push(replayed.ms);
      commands = replayed.commands;
      git(dir, 'reset', '-q', '--hard', 'HEAD');
    }
    return { userFiles, commits, runs, syncMs: median(sync), rawGitMs: median(raw), gitCommands: commands };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs the sync benchmark at a tenth of `files` and at `files` user files (flatness) and returns both results. */
export function runSyncBench(files: number, commits: number, runs: number): SyncBenchResult[] {
  return [Math.floor(files / 10), files].map((n) => benchSync(n, commits, runs));
}
