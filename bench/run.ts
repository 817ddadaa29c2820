// `npm run bench` runs every benchmark and writes bench/RESULTS.md; `npm run bench -- --quick` is a small setting
// that only prints. `npm run bench -- sync [files] [commits] [runs]` runs sync alone, and
// `npm run bench -- fleet [repos] [concurrency]` the fleet benchmark against the local fake GitHub, and
// `npm run bench -- binary [runs]` the large-binary one (DETML_BENCH_BINARY_MB sets the size, 256 by default), and
// `npm run bench -- startup [runs]` the start-up part alone (built, packed and installed as in the full run).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEERS } from './peers.ts';
import { installPacked, measureInstalled } from './size.ts';
import { benchStartup, formatStartup, startupNote } from './startup.ts';
import { formatFleetBench, runFleetBench } from './fleet.ts';
import { formatSyncBench, runSyncBench } from './sync.ts';
import { binarySizeMb, formatBinaryBench, runBinaryBench } from './large-binary.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((a) => a !== '--');
const quick = args.includes('--quick');

if (args[0] === 'fleet') {
  const [repos = 200, concurrency = 8] = args.slice(1).map(Number);
  console.log(formatFleetBench(await runFleetBench(repos, concurrency)));
} else if (args[0] === 'binary') {
  const [runs = 5] = args.slice(1).map(Number);
  console.log(formatBinaryBench(runBinaryBench(binarySizeMb(), runs)).join('\n'));
} else if (args[0] === 'startup') {
  const [runs = 15] = args.slice(1).map(Number);
  const scratch = mkdtempSync(join(tmpdir(), 'detml-bench-'));
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const ours = installPacked(ROOT, join(scratch, 'packed'));
    const timings = benchStartup(ours.bin, scratch, runs);
    console.log(
      ['| measure | value | ratio | target | status |', '|---|---|---|---|---|', ...formatStartup(timings)].join('\n'),
    );
    console.log(
      `\nMedians of ${runs} interleaved runs: ${timings.map((x) => `${x.name} ${x.medianMs.toFixed(0)} ms`).join('; ')}.`,
    );
    console.log(startupNote(timings));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else if (args[0] === 'sync') {
  const [files = 5000, commits = 300, runs = 5] = args.slice(1).map(Number);
  for (const r of runSyncBench(files, commits, runs)) console.log(formatSyncBench(r));
} else {
  const scratch = mkdtempSync(join(tmpdir(), 'detml-bench-'));
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const report =
      runAll(scratch) +
      (quick ? '' : `\n## Fleet\n\n| measure | value |\n|---|---|\n${formatFleetBench(await runFleetBench(200, 8))}\n`);
    if (quick) process.stdout.write(report);
    else {
      writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), report);
      process.stdout.write(report);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runAll(scratch: string): string {
  const ours = installPacked(ROOT, join(scratch, 'packed'));
  const startup = benchStartup(ours.bin, scratch, quick ? 3 : 15);
  const t = Object.fromEntries(startup.map((x) => [x.name, x.medianMs]));
  const [small, large] = runSyncBench(quick ? 200 : 5000, quick ? 10 : 300, quick ? 2 : 5);
  const binary = runBinaryBench(quick ? 16 : binarySizeMb(), quick ? 1 : 5);
  const vite = measureInstalled(`create-vite@${PEERS['create-vite']}`);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const mb = (v: number) => `${(v / 1e6).toFixed(1)} MB`;
  const row = (what: string, value: string, ratio: number, target: number, against: string) =>
    `| ${what} | ${value} | ${ratio.toFixed(2)}× ${against} | ≤ ${target}× | ${ratio <= target ? 'met' : '**not met**'} |`;
  return [
    '# Benchmark results',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ' (quick setting: few runs, not for reporting)' : ''}.`,
    'Whole-process medians, commands interleaved in one run (bench/harness.ts). Regenerate with `npm run bench`.',
    '',
    '| measure | value | ratio | target | status |',
    '|---|---|---|---|---|',
    ...formatStartup(startup),
    row(
      `\`sync --local\`, ${large!.userFiles} user files, ${large!.commits} commits, run again (reset in between)`,
      ms(large!.syncMs),
      large!.syncMs / large!.rawGitMs,
      2,
      `its raw git (${ms(large!.rawGitMs)})`,
    ),
    row(
      `same, against the git floor (${large!.gitSpawnsAgain} git processes in the sync)`,
      ms(large!.syncMs),
      large!.syncMs / large!.floorMs,
      3,
      `\`merge-tree --write-tree\` + \`read-tree -m -u\` + \`status\` (${ms(large!.floorMs)})`,
    ),
    row(
      `same, the first sync to the version: a fresh copy each run (${large!.gitSpawns} git processes)`,
      ms(large!.firstSyncMs),
      large!.firstSyncMs / large!.floorMs,
      3,
      `the git floor (${ms(large!.floorMs)})`,
    ),
    row(
      `sync flatness: ${large!.userFiles} vs ${small!.userFiles} user files`,
      `${ms(large!.syncMs)} vs ${ms(small!.syncMs)}`,
      large!.syncMs / small!.syncMs,
      1.2,
      'the small project',
    ),
    ...formatBinaryBench(binary),
    row('installed size (packed tarball, with dependencies)', mb(ours.installed), ours.installed / 10e6, 1, '10 MB'),
    row(
      'first install from an empty npm cache',
      ms(ours.installMs),
      ours.installMs / vite.installMs,
      2,
      `create-vite (${ms(vite.installMs)})`,
    ),
    '',
    `Raw: node -e 0 ${ms(t['node -e 0']!)}; create-vite ${ms(t['create-vite (react-ts)']!)}; create-t3-app ${ms(t['create-t3-app']!)}; npm pack unpacked size ${mb(ours.packUnpacked)}; create-vite installed ${mb(vite.installed)}.`,
    ...(startupNote(startup) ? ['', startupNote(startup)] : []),
    '',
  ].join('\n');
}
