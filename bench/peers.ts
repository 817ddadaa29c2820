import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The peer scaffolders we compare with, at pinned versions. */
export const PEERS = { 'create-vite': '9.3.0', 'create-t3-app': '7.40.0' } as const;

/** Installs the peers once into `dir` (a scratch folder) and returns their entry scripts. */
export function installPeers(dir: string): { vite: string; t3: string } {
  const vite = join(dir, 'node_modules', 'create-vite', 'index.js');
  const t3 = join(dir, 'node_modules', 'create-t3-app', 'dist', 'index.js');
  if (!existsSync(vite) || !existsSync(t3)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    const specs = Object.entries(PEERS).map(([n, v]) => `${n}@${v}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...specs], {
      cwd: dir,
      stdio: 'ignore',
    });
  }
  return { vite, t3 };
}
