// Sync benchmark: a generated project with many extra user files and a long history, synced with `--local` (run again
// on one repository, and as a first sync on a fresh copy), next to two floors in the same interleaved run: the raw
// git commands that sync ran (replayed from a trace of the same run), and the git a minimal sync needs (`merge-tree
// --write-tree` on a synthetic history prepared beforehand, `read-tree -m -u`, `status`), on a copy of the project.
//   npm run bench -- sync [userFiles=5000] [commits=300] [runs=5]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, usersEnv } from './harness.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin.cjs');
const HISTORY = join(ROOT, 'tests', 'fixtures', 'history');
const ID = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];

/** One measured setting: medians in milliseconds, and the git processes one sync spawns. */
export interface SyncBenchResult {
  userFiles: number;
  commits: number;
  runs: number;
  /** A sync run again on the same repository (reset in between): the objects of the run before are there. */
  syncMs: number;
  /** The first sync to the version: each run on a fresh copy of the project, so every object is written. */
  firstSyncMs: number;
  rawGitMs: number;
  floorMs: number;
  /** git processes of a first sync, and of the same sync run again. */
  gitSpawns: number;
  gitSpawnsAgain: number;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...ID, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
}

function create(cwd: string, templates: string): string {
  execFileSync(process.execPath, [BIN, 'proj', '--template', 'demo', '--template-root', templates, '--no-install'], {
    cwd,
    env: { ...process.env, CI: '1' },
  });
  return join(cwd, 'proj');
}

/** Builds the project once: created at demo@1.0.0, then `commits` commits that add `userFiles` files in all. */
function buildProject(root: string, userFiles: number, commits: number): string {
  const templates = join(root, 'templates');
  cpSync(join(HISTORY, 'demo@1.0.0'), join(templates, 'demo@1.0.0'), { recursive: true });
  const dir = create(root, templates);
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

/**
 * A copy of the project with the synthetic history a minimal sync merges on, built outside the timed part: O is the
 * project's first commit (the pristine 1.0.0 render), U the user's HEAD tree on O, N a 1.1.0 project's tree on O.
 * Returns the floor's shell command: merge, two-tree read-tree into the work tree and index, status.
 */
function floorProject(root: string, dir: string): { cwd: string; argv: string[] } {
  const nextTemplates = join(root, 'next-templates');
  cpSync(join(HISTORY, 'demo@1.1.0'), join(nextTemplates, 'demo@1.1.0'), { recursive: true });
  mkdirSync(join(root, 'next'));
  const nextDir = create(join(root, 'next'), nextTemplates);
  const floor = join(root, 'floor');
  cpSync(dir, floor, { recursive: true });
  git(floor, 'update-index', '-q', '--refresh');
  git(floor, 'fetch', '-q', nextDir, 'HEAD');
  const o = git(floor, 'rev-list', '--max-parents=0', 'HEAD');
  const u = git(floor, 'commit-tree', 'HEAD^{tree}', '-p', o, '-m', 'yours');
  const n = git(floor, 'commit-tree', 'FETCH_HEAD^{tree}', '-p', o, '-m', 'new render');
  // The floor is a clean merge, like the sync it stands beside (git merge-tree exits 1 on conflicts).
  git(floor, 'merge-tree', '--write-tree', u, n);
  const script =
    'set -e; t=$(git merge-tree --write-tree "$1" "$2"); git read-tree -m -u HEAD "$t"; git status --porcelain';
  return { cwd: floor, argv: ['sh', '-c', script, 'floor', u, n] };
}

/** Replays traced git commands in `dir` and returns the wall time in ms. */
function replay(dir: string, traceFile: string, scratch: string): number {
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
  return performance.now() - start;
}

function timed(argv: string[], cwd: string, env: NodeJS.ProcessEnv = usersEnv()): number {
  const start = process.hrtime.bigint();
  const out = spawnSync(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (out.status !== 0) throw new Error(`${argv.join(' ')} failed (${out.status}): ${out.stderr.toString()}`);
  return ms;
}

/** Runs the benchmark for one setting: sync, its replayed git and the floor, interleaved, after one warm-up round. */
export function benchSync(userFiles: number, commits: number, runs: number): SyncBenchResult {
  const root = mkdtempSync(join(tmpdir(), 'detml-bench-sync-'));
  try {
    const dir = buildProject(root, userFiles, commits);
    const floor = floorProject(root, dir);
    const templates = join(root, 'templates');
    const syncArgv = [process.execPath, BIN, 'sync', '--local', '--to', '1.1.0', '--template-root', templates];
    const reset = (cwd: string) => git(cwd, 'reset', '-q', '--hard', 'HEAD');
    // The project as the user has it before any sync to 1.1.0; each first sync runs on a fresh copy of it (file times
    // kept and the index refreshed, as in a checkout the user made earlier).
    const pristine = join(root, 'pristine');
    cpSync(dir, pristine, { recursive: true, preserveTimestamps: true });
    const fresh = join(root, 'fresh');
    const freshCopy = () => {
      rmSync(fresh, { recursive: true, force: true });
      cpSync(pristine, fresh, { recursive: true, preserveTimestamps: true });
      git(fresh, 'update-index', '-q', '--refresh');
      // The copy's writes would still be flushing to disk during the timed commands: none is left pending.
      execFileSync('sync');
    };
    // Two traced syncs, untimed: the first counts a first sync's git processes; the second, run again after a reset
    // as the timed ones are, is what gets replayed and counted.
    const traced = (name: string) => {
      const file = join(root, name);
      timed(syncArgv, dir, { ...usersEnv(), DETML_GIT_TRACE: file });
      if (!readFileSync(join(dir, '.detml', 'state.json'), 'utf8').includes('"1.1.0"'))
        throw new Error('the benchmark sync did not move the project to 1.1.0');
      reset(dir);
      return file;
    };
    const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').length;
    const gitSpawns = lines(traced('first.jsonl'));
    const traceFile = traced('again.jsonl');
    const sync: number[] = [];
    const first: number[] = [];
    const raw: number[] = [];
    const base: number[] = [];
    for (let r = -1; r < runs; r++) {
      const s = timed(syncArgv, dir);
      reset(dir);
      freshCopy();
      const n = timed(syncArgv, fresh);
      const g = replay(dir, traceFile, mkdtempSync(join(root, 'replay-')));
      reset(dir);
      const f = timed(floor.argv, floor.cwd);
      reset(floor.cwd);
      if (r < 0) continue; // warm-up: page cache and code cache
      sync.push(s);
      first.push(n);
      raw.push(g);
      base.push(f);
    }
    return {
      userFiles,
      commits,
      runs,
      syncMs: median(sync),
      firstSyncMs: median(first),
      rawGitMs: median(raw),
      floorMs: median(base),
      gitSpawns,
      gitSpawnsAgain: lines(traceFile),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs the sync benchmark at a tenth of `files` and at `files` user files (flatness) and returns both results. */
export function runSyncBench(files: number, commits: number, runs: number): SyncBenchResult[] {
  return [Math.floor(files / 10), files].map((n) => benchSync(n, commits, runs));
}

/** One line per setting for `npm run bench -- sync`. */
export function formatSyncBench(r: SyncBenchResult): string {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  return (
    `${r.userFiles} files: sync ${ms(r.syncMs)}, ${r.gitSpawnsAgain} git spawns; its raw git ${ms(r.rawGitMs)} ` +
    `(${(r.syncMs / r.rawGitMs).toFixed(2)}×); git floor ${ms(r.floorMs)} (${(r.syncMs / r.floorMs).toFixed(2)}×, target ≤ 3×); ` +
    `first sync ${ms(r.firstSyncMs)}, ${r.gitSpawns} git spawns (${(r.firstSyncMs / r.floorMs).toFixed(2)}× the floor)`
  );
}
