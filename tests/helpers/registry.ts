// A real image registry for tests: Debian's `docker-registry` (distribution 2.8.2) on 127.0.0.1, fed over HTTP.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A running registry process. */
export interface TestRegistry {
  /** API origin, e.g. http://127.0.0.1:40123. */
  url: string;
  /** host:port, for image references. */
  host: string;
  stop(): Promise<void>;
}

/** How a registry instance authenticates: not at all, Basic (htpasswd), or tokens from a token server. */
export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'basic'; htpasswdFile: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; certFile: string };

// A registry outlives a crashed test worker unless it is killed when the worker exits.
const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((c) => c.kill('SIGKILL')));

/** True when the Debian `docker-registry` binary is installed (tests skip with a reason otherwise). */
export function hasDockerRegistry(): boolean {
  return spawnSync('docker-registry', ['--version']).status === 0;
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `docker-registry serve` with filesystem storage under `storage` (instances may share one storage). */
export async function startRegistry(
  dir: string,
  storage: string,
  auth: RegistryAuth = { kind: 'none' },
): Promise<TestRegistry> {
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: {level: warn}',
    `storage: {filesystem: {rootdirectory: "${storage}"}, delete: {enabled: true}}`,
  ];
  lines.push(`http: {addr: "127.0.0.1:${port}", secret: detml-test}`);
  if (auth.kind === 'basic') lines.push(`auth: {htpasswd: {realm: detml-test, path: "${auth.htpasswdFile}"}}`);
  if (auth.kind === 'token') {
    lines.push(
      `auth: {token: {realm: "${auth.realm}", service: ${auth.service}, issuer: ${auth.issuer}, rootcertbundle: "${auth.certFile}"}}`,
    );
  }
  const config = join(dir, `registry-${port}.yml`);
  writeFileSync(config, `${lines.join('\n')}\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, () => stderr);
  return { url, host: `127.0.0.1:${port}`, stop: () => stopChild(child) };
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr()}`);
    const status = await fetch(`${url}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`docker-registry on ${url} did not become ready: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** An htpasswd file with one bcrypt user, made by apache2-utils' `htpasswd -Bbn`. */
export function writeHtpasswd(file: string, user: string, password: string): void {
  const res = spawnSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`htpasswd failed (apt-get install apache2-utils): ${res.stderr}`);
  writeFileSync(file, res.stdout);
}

/** The digests of an image pushed by pushTestImage. */
export interface PushedImage {
  index: string;
  amd64: string;
  arm64: string;
}

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * Pushes a tiny two-platform image to an unauthenticated registry: one deterministic gzip layer per platform (a tar
 * holding one file whose text includes `salt`), a config blob, an OCI manifest each, and an OCI index under `tag`.
 * The amd64 manifest is also tagged `<tag>-amd64`. Different salts give different digests (a "re-pushed" tag).
 */
export async function pushTestImage(url: string, repository: string, tag: string, salt = 'v1'): Promise<PushedImage> {
  const manifests: Record<string, string> = {};
  const sizes: Record<string, number> = {};
  for (const arch of ['amd64', 'arm64']) {
    const tar = tarOneFile('hello.txt', `detml test image ${repository}:${tag} ${arch} ${salt}\n`);
    const layer = gzipSync(tar, { level: 9 });
    const config = Buffer.from(
      JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(tar)] }, config: {} }),
    );
    await pushBlob(url, repository, layer);
    await pushBlob(url, repository, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
      }),
    );
    manifests[arch] = await putManifest(
      url,
      repository,
      sha(manifest),
      manifest,
      'application/vnd.oci.image.manifest.v1+json',
    );
    sizes[arch] = manifest.length;
    if (arch === 'amd64')
      await putManifest(url, repository, `${tag}-amd64`, manifest, 'application/vnd.oci.image.manifest.v1+json');
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: ['amd64', 'arm64'].map((arch) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: manifests[arch],
        size: sizes[arch],
        platform: { architecture: arch, os: 'linux' },
      })),
    }),
  );
  const indexDigest = await putManifest(url, repository, tag, index, 'application/vnd.oci.image.index.v1+json');
  return { index: indexDigest, amd64: manifests.amd64!, arm64: manifests.arm64! };
}

async function pushBlob(url: string, repository: string, blob: Buffer): Promise<void> {
  const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location')!, url);
  location.searchParams.set('digest', sha(blob));
  const put = await fetch(location, {
    method: 'PUT',
    body: blob,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
}

async function putManifest(
  url: string,
  repository: string,
  reference: string,
  body: Buffer,
  type: string,
): Promise<string> {
  const res = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    body,
    headers: { 'Content-Type': type },
  });
  if (res.status !== 201)
    throw new Error(`manifest put ${repository}:${reference}: HTTP ${res.status} ${await res.text()}`);
  const digest = res.headers.get('docker-content-digest');
  if (digest !== sha(body)) throw new Error(`registry digest ${digest} differs from ${sha(body)}`);
  return digest;
}

/** A POSIX ustar archive with one regular file, mtime 0 and fixed owner: the same bytes on every machine. */
export function tarOneFile(name: string, text: string): Buffer {
  const content = Buffer.from(text);
  const header = Buffer.alloc(512, 0);
  const field = (value: string, offset: number, length: number) => header.write(value, offset, length, 'ascii');
  field(name, 0, 100);
  field('0000644\0', 100, 8);
  field('0000000\0', 108, 8);
  field('0000000\0', 116, 8);
  field(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  field('00000000000\0', 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512, 0);
  content.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024, 0)]);
}
