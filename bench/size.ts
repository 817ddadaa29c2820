import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Sizes in bytes: what `npm pack` unpacks to, and node_modules after installing the packed tarball. */
export interface SizeResult {
  packUnpacked: number;
  installed: number;
  installMs: number;
}

/** A packed-and-installed create-detml: its sizes and the bin users run. */
export interface InstalledPackage extends SizeResult {
  bin: string;
}

function du(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? du(p) : e.isFile() ? statSync(p).size : 0;
  }
  return total;
}

/**
 * Packs `pkgDir` (built already) and installs the tarball into `scratch`, as `npm create` would, and measures both.
 * The install stays, so start-up is measured on exactly what users run, away from the repository's node_modules.
 */
export function installPacked(pkgDir: string, scratch: string): InstalledPackage {
  mkdirSync(scratch, { recursive: true });
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
      cwd: pkgDir,
      encoding: 'utf8',
    }),
  ) as { filename: string; unpackedSize: number }[];
  const app = join(scratch, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{"private":true}\n');
  const start = performance.now();
  // An empty cache, so the time is a first `npm create detml` on a new machine.
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--cache', join(scratch, 'cache'), join(scratch, info!.filename)],
    { cwd: app, stdio: 'ignore' },
  );
  const installMs = performance.now() - start;
  const bin = join(app, 'node_modules', 'create-detml', 'bin.cjs');
  return { packUnpacked: info!.unpackedSize, installed: du(join(app, 'node_modules')), installMs, bin };
}

/** Installed size of a published package in a fresh folder (for the peers). */
export function measureInstalled(spec: string): SizeResult {
  const scratch = mkdtempSync(join(tmpdir(), 'detml-size-'));
  try {
    writeFileSync(join(scratch, 'package.json'), '{"private":true}\n');
    const start = performance.now();
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', join(scratch, 'cache'), spec],
      { cwd: scratch, stdio: 'ignore' },
    );
    return { packUnpacked: 0, installed: du(join(scratch, 'node_modules')), installMs: performance.now() - start };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
