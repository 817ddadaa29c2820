// `npm run bench [-- <suite> ...args]`: runs the benchmarks and prints their tables. Suites: sync.
import { runSyncBench } from './sync.ts';

const [suite = 'sync', ...args] = process.argv.slice(2).filter((a) => a !== '--');
if (suite === 'sync') {
  const [files = 5000, commits = 300, runs = 5] = args.map(Number);
  for (const r of runSyncBench(files, commits, runs)) {
    console.log(`${r.userFiles} user files, ${r.commits} commits: sync ${r.syncMs.toFixed(0)} ms, raw git ${r.rawGitMs.toFixed(0)} ms (${r.gitCommands} commands), ratio ${(r.syncMs / r.rawGitMs).toFixed(2)}`);
  }
} else {
  throw new Error(`unknown benchmark suite ${suite}`);
}
