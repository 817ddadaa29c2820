import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Sizes in bytes: what `npm pack` unpacks to, and node_modules after installing the packed tarball. */
export interface SizeResult {
  packUnpacked: number;
  installed: number;
  installMs: number;
}

function du(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? du(p) : e.isFile() ? statSync(p).size : 0;
  }
  return total;
}

/** Packs `pkgDir` and installs the tarball into a fresh folder, as `npm create` would, and measures both. */
export function measureSize(pkgDir: string): SizeResult {
  const scratch = mkdtempSync(join(tmpdir(), 'detml-size-'));
  try {
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: pkgDir, encoding: 'utf8' })) as { filename: string; unpackedSize: number }[];
    const app = join(scratch, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{"private":true}\n');
    const start = performance.now();
    // An empty cache, so the time is a first `npm create detml` on a new machine.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--cache', join(scratch, 'cache'), join(scratch, info!.filename)], { cwd: app, stdio: 'ignore' });
    const installMs = performance.now() - start;
    return { packUnpacked: info!.unpackedSize, installed: du(join(app, 'node_modules')), installMs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Installed size of a published package in a fresh folder (for the peers). */
export function measureInstalled(spec: string): SizeResult {
  const scratch = mkdtempSync(join(tmpdir(), 'detml-size-'));
  try {
    writeFileSync(join(scratch, 'package.json'), '{"private":true}\n');
    const start = performance.now();
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', join(scratch, 'cache'), spec], { cwd: scratch, stdio: 'ignore' });
    return { packUnpacked: 0, installed: du(join(scratch, 'node_modules')), installMs: performance.now() - start };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
