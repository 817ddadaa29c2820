// Large-binary benchmark: create and sync with a model-sized file in the template, each next to its floor in the
// same run (create: `cp` of the file plus the same create without it; sync with the file unchanged: the same sync
// without it; sync with the file replaced: `git hash-object -w` of the new file). Peak RSS comes from
// `/usr/bin/time -f %M`, the largest process of the measured command's tree.
//   DETML_BENCH_BINARY_MB=1024 npm run bench -- binary [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, usersEnv } from './harness.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin.cjs');
const HISTORY = join(ROOT, 'tests', 'fixtures', 'history');
const MODEL = 'weights/model.onnx';

/** One measured command: median wall time and the largest peak RSS seen over its runs. */
export interface BinaryMeasure {
  name: string;
  ms: number;
  peakRssMb: number;
}

/** What the large-binary benchmark measured, at one file size. */
export interface BinaryBenchResult {
  sizeMb: number;
  runs: number;
  measures: Record<string, BinaryMeasure>;
}

/** The file size the benchmark uses: 1 GB (the model size) by default, `DETML_BENCH_BINARY_MB` to change it. */
export function binarySizeMb(): number {
  const mb = Number(process.env.DETML_BENCH_BINARY_MB ?? 1024);
  if (!Number.isInteger(mb) || mb <= 0) throw new Error('DETML_BENCH_BINARY_MB must be a positive whole number');
  return mb;
}

// Bytes that do not compress (a model's weights do not either), streamed so the benchmark itself stays small.
function writeNoise(file: string, sizeMb: number, seed: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    let block = createHash('sha512').update(seed).digest();
    const chunk = Buffer.alloc(1 << 20);
    for (let mb = 0; mb < sizeMb; mb++) {
      for (let o = 0; o < chunk.length; o += block.length) {
        block = createHash('sha512').update(block).digest();
        block.copy(chunk, o);
      }
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

/** A template root with demo@1.0.0 and demo@1.1.0; `model` says what each version carries at MODEL. */
function templateRoot(dir: string, model: { old?: string; next?: string }): string {
  for (const [version, file] of [
    ['1.0.0', model.old],
    ['1.1.0', model.next],
  ] as const) {
    cpSync(join(HISTORY, `demo@${version}`), join(dir, `demo@${version}`), { recursive: true });
    if (file) cpSync(file, join(dir, `demo@${version}`, 'files', MODEL));
  }
  return dir;
}

function create(templates: string, ...extra: string[]): string[] {
  return [process.execPath, BIN, 'proj', '--template', 'demo', '--template-root', templates, '--no-install', ...extra];
}

interface Timed {
  name: string;
  argv: string[];
  cwd: string;
  prepare?: () => void;
  /** Throws when the run did not do its work (a sync that found nothing to do would measure nothing). */
  check?: () => void;
}

/** Runs each command `runs` times, interleaved, under /usr/bin/time; medians of time, maxima of peak RSS. */
function measure(commands: Timed[], runs: number, scratch: string): Record<string, BinaryMeasure> {
  const samples = commands.map(() => ({ ms: [] as number[], rss: 0 }));
  const rssFile = join(scratch, 'rss');
  for (let r = -1; r < runs; r++) {
    commands.forEach((c, i) => {
      c.prepare?.();
      // Gigabytes written by the command before would still be flushing to disk during this one: every command
      // starts with none pending, so each pays for its own writes only (and the kernel's write-back of them).
      execFileSync('sync');
      const start = process.hrtime.bigint();
      const out = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, ...c.argv], {
        cwd: c.cwd,
        env: usersEnv(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (out.status !== 0)
        throw new Error(`${c.name} failed (${out.status}): ${out.stderr?.toString().slice(0, 500)}`);
      c.check?.();
      if (r < 0) return; // warm-up: page cache and code cache
      samples[i]!.ms.push(ms);
      samples[i]!.rss = Math.max(
        samples[i]!.rss,
        Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024,
      );
    });
  }
  return Object.fromEntries(
    commands.map((c, i) => [c.name, { name: c.name, ms: median(samples[i]!.ms), peakRssMb: samples[i]!.rss }]),
  );
}

/**
 * A created project kept pristine; each timed sync runs on a fresh copy, so no run finds the last one's objects.
 * `userModel` is committed over the template's model first: the user replaced it.
 */
function pristineProject(root: string, templates: string, userModel?: string): string {
  // Created at 1.0.0 (the only version in its root), so the timed sync has 1.1.0 to go to.
  const first = join(root, 'templates');
  cpSync(join(templates, 'demo@1.0.0'), join(first, 'demo@1.0.0'), { recursive: true });
  const [node, ...args] = create(first);
  execFileSync(node!, args, {
    cwd: root,
    env: { ...process.env, CI: '1' },
  });
  const dir = join(root, 'proj');
  if (userModel) {
    cpSync(userModel, join(dir, MODEL));
    const id = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];
    execFileSync('git', [...id, 'commit', '-qam', 'our own model'], { cwd: dir });
  }
  return dir;
}

/** Measures create and sync with a `sizeMb` binary next to their floors. */
export function runBinaryBench(sizeMb: number, runs: number): BinaryBenchResult {
  const scratch = mkdtempSync(join(tmpdir(), 'detml-bench-binary-'));
  try {
    const modelA = join(scratch, 'model-a.onnx');
    const modelB = join(scratch, 'model-b.onnx');
    writeNoise(modelA, sizeMb, 'a');
    writeNoise(modelB, sizeMb, 'b');
    const none = templateRoot(join(scratch, 't-none'), {});
    const same = templateRoot(join(scratch, 't-same'), { old: modelA, next: modelA });
    const replaced = templateRoot(join(scratch, 't-replaced'), { old: modelA, next: modelB });
    const work = join(scratch, 'work');
    const fresh = (dir: string) => () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    };
    // Outputs are deleted between runs here, not set aside as the start-up benchmark does (bench/harness.ts): kept,
    // seven runs of gigabyte copies filled the page cache, and the kernel reclaiming it slowed whichever copy ran
    // next (create 1.36× its floor with deletes, 3.07× set aside, in two full runs); a few dozen small files are not
    // what these timings measure.
    const sync = (name: string, templates: string, userModel?: string): Timed => {
      const pristine = pristineProject(join(scratch, `pristine-${name}`), templates, userModel);
      const dir = join(work, name);
      return {
        name,
        argv: [process.execPath, BIN, 'sync', '--local', '--to', '1.1.0', '--template-root', templates],
        cwd: dir,
        prepare: () => {
          rmSync(dir, { recursive: true, force: true });
          // Modification times are kept, so the refreshed index is newer than every file, as in a project the user
          // checked out earlier; with fresh times git would count each entry "racy" and re-hash it inside the sync.
          cpSync(pristine, dir, { recursive: true, preserveTimestamps: true });
          // A copied file has a new inode and change time: let git record them here, not inside the timed sync.
          execFileSync('git', ['update-index', '-q', '--refresh'], { cwd: dir });
        },
        check: () => {
          if (!readFileSync(join(dir, '.detml', 'state.json'), 'utf8').includes('"1.1.0"'))
            throw new Error(`${name}: the project was not moved to 1.1.0`);
        },
      };
    };
    const hashDir = join(work, 'hash');
    const measures = measure(
      [
        { name: 'create', argv: create(same, '--no-git'), cwd: join(work, 'c1'), prepare: fresh(join(work, 'c1')) },
        {
          name: 'create without the binary',
          argv: create(none, '--no-git'),
          cwd: join(work, 'c2'),
          prepare: fresh(join(work, 'c2')),
        },
        {
          name: 'cp of the binary',
          argv: ['cp', modelA, join(work, 'cp.onnx')],
          cwd: scratch,
          prepare: () => rmSync(join(work, 'cp.onnx'), { force: true }),
        },
        sync('sync, binary unchanged', same),
        sync('sync without the binary', none),
        sync('sync, binary replaced', replaced),
        sync('sync, binary replaced by the user', same, modelB),
        {
          name: 'git hash-object -w of the binary',
          argv: ['git', 'hash-object', '-w', modelB],
          cwd: hashDir,
          prepare: () => {
            fresh(hashDir)();
            execFileSync('git', ['init', '-q'], { cwd: hashDir });
          },
        },
      ],
      runs,
      scratch,
    );
    return { sizeMb, runs, measures };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Table rows (measure | value | ratio | target | status) for bench/RESULTS.md. */
export function formatBinaryBench(r: BinaryBenchResult): string[] {
  const m = r.measures;
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const rss = (x: BinaryMeasure) => `${x.peakRssMb.toFixed(0)} MB peak RSS`;
  const row = (what: string, value: string, ratio: number, target: number, against: string) =>
    `| ${what} | ${value} | ${ratio.toFixed(2)}× ${against} | ≤ ${target}× | ${ratio <= target ? 'met' : '**not met**'} |`;
  const create = m['create']!;
  const createFloor = m['cp of the binary']!.ms + m['create without the binary']!.ms;
  const same = m['sync, binary unchanged']!;
  const none = m['sync without the binary']!;
  const replaced = m['sync, binary replaced']!;
  const hash = m['git hash-object -w of the binary']!;
  const users = m['sync, binary replaced by the user']!;
  const mem = (what: string, x: BinaryMeasure) =>
    `| ${what}: peak memory | ${rss(x)} | – | ≤ 150 MB | ${x.peakRssMb <= 150 ? 'met' : '**not met**'} |`;
  const size = `${r.sizeMb} MB binary`;
  return [
    row(
      `create with a ${size} (\`--no-git\`)`,
      ms(create.ms),
      create.ms / createFloor,
      1.2,
      `\`cp\` + create without it (${ms(createFloor)})`,
    ),
    mem(`create with a ${size}`, create),
    row(`sync, ${size} unchanged`, ms(same.ms), same.ms / none.ms, 1, `sync without it (${ms(none.ms)})`),
    mem(`sync, ${size} unchanged`, same),
    row(
      `sync, ${size} replaced`,
      ms(replaced.ms),
      replaced.ms / hash.ms,
      1.3,
      `\`git hash-object -w\` (${ms(hash.ms)})`,
    ),
    mem(`sync, ${size} replaced`, replaced),
    row(
      `sync, ${size} the user replaced (template's unchanged)`,
      ms(users.ms),
      users.ms / none.ms,
      1,
      `sync without it (${ms(none.ms)})`,
    ),
    mem(`sync, ${size} the user replaced`, users),
  ];
}
