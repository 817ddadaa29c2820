import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareBytes } from '../templates/render.ts';

/** Folders never scanned when the project is not a git work tree (build output, dependencies, caches). */
const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  'dist',
  'out',
  '__pycache__',
  '.venv',
  'venv',
  '.mypy_cache',
  '.pytest_cache',
]);

/**
 * The project's files, `/`-separated and sorted: in a git work tree the tracked files plus untracked ones that are not
 * ignored (`git ls-files`), otherwise a walk that skips dependency and build folders.
 */
export function listProjectFiles(root: string): string[] {
  const git = spawnSync('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    encoding: 'utf8',
  });
  if (git.status === 0) {
    const files = new Set(git.stdout.split('\0').filter((p) => p && existsSync(join(root, p))));
    return [...files].sort(compareBytes);
  }
  return walk(root, '').sort(compareBytes);
}

function walk(root: string, prefix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...walk(root, rel));
    } else if (entry.isFile() || (entry.isSymbolicLink() && safeIsFile(join(root, rel)))) {
      out.push(rel);
    }
  }
  return out;
}

function safeIsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
