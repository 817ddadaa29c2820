// A minimal npm registry on 127.0.0.1 for the real npm client: packuments (name, dist-tags, versions with
// dist.tarball/integrity/shasum) and tarballs, with a log of every request so tests can count downloads.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, onTestFinished } from 'vitest';
import { forgetResolvedPackages } from '../../sync/template-source.ts';
import { HISTORY } from './sync-project.ts';
import { tempDir } from './tmp.ts';

/** A running fake registry; `env` points the npm client at it with a private npm cache. */
export interface FakeNpmRegistry {
  url: string;
  env: Record<string, string>;
  /** Request paths in arrival order. */
  requests: string[];
  /** How many times a tarball of `name` was downloaded. */
  tarballFetches(name?: string): number;
  /** Publishes bytes as `name@version`; `integrity` overrides the advertised dist.integrity (a lying registry). */
  publish(version: string, tarball: Buffer, options?: { name?: string; integrity?: string; tag?: string }): string;
}

/** The SRI sha512 of some bytes, as npm writes dist.integrity. */
export function sri(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/**
 * A create-detml tarball as npm would publish it: package/package.json and package/templates/demo from the history
 * fixture's demo@<templateVersion>; `tweak` edits the unpacked package before packing (an attacker's variant).
 */
export function packageTarball(version: string, templateVersion = '1.0.0', tweak?: (pkgDir: string) => void): Buffer {
  const root = tempDir('detml-pkg-');
  const pkg = join(root, 'package');
  mkdirSync(join(pkg, 'templates'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'create-detml', version }));
  cpSync(join(HISTORY, `demo@${templateVersion}`), join(pkg, 'templates', 'demo'), { recursive: true });
  tweak?.(pkg);
  execFileSync('tar', ['-czf', join(root, 'p.tgz'), '-C', root, 'package']);
  return readFileSync(join(root, 'p.tgz'));
}

/** Starts the registry; it is closed when the current test finishes. */
export async function startNpmRegistry(): Promise<FakeNpmRegistry> {
  const packages = new Map<
    string,
    { tags: Record<string, string>; versions: Map<string, { bytes: Buffer; integrity: string; manifest: object }> }
  >();
  const requests: string[] = [];
  let url = '';
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const tarball = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path);
    if (tarball) {
      const entry = packages.get(tarball[1]!)?.versions.get(tarball[2]!);
      if (!entry) return void res.writeHead(404).end('{}');
      // no-store: the npm client must come back here for every download it makes, so tests can count them.
      return void res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' })
        .end(entry.bytes);
    }
    const pkg = packages.get(path.slice(1));
    if (!pkg) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    const name = path.slice(1);
    const versions = Object.fromEntries(
      [...pkg.versions].map(([v, e]) => [
        v,
        {
          ...e.manifest,
          name,
          version: v,
          dist: {
            tarball: `${url}/${name}/-/${name}-${v}.tgz`,
            integrity: e.integrity,
            shasum: createHash('sha1').update(e.bytes).digest('hex'),
          },
        },
      ]),
    );
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ name, 'dist-tags': pkg.tags, versions }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const cache = tempDir('detml-npm-cache-');
  return {
    url,
    env: {
      npm_config_registry: `${url}/`,
      npm_config_cache: cache,
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_fetch_retries: '0',
    },
    requests,
    tarballFetches: (name = 'create-detml') => requests.filter((p) => p.startsWith(`/${name}/-/`)).length,
    publish(version, bytes, options = {}) {
      const name = options.name ?? 'create-detml';
      const pkg = packages.get(name) ?? {
        tags: {} as Record<string, string>,
        versions: new Map<string, { bytes: Buffer; integrity: string; manifest: object }>(),
      };
      packages.set(name, pkg);
      const integrity = options.integrity ?? sri(bytes);
      // The version's manifest comes from the tarball's package.json, as npm publish sends it (bin, engines, …).
      const manifest = JSON.parse(
        execFileSync('tar', ['-xzOf', '-', 'package/package.json'], { input: bytes, encoding: 'utf8' }),
      ) as object;
      pkg.versions.set(version, { bytes, integrity, manifest });
      pkg.tags[options.tag ?? 'latest'] = version;
      return integrity;
    },
  };
}

/**
 * Runs each test of the calling file as a new process would: the environment (registry, caches) is restored and
 * the packages and dist-tags sync resolved are forgotten after every test.
 */
export function isolateRegistryRuns(): void {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    forgetResolvedPackages();
  });
}
