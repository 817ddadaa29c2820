// Loads a CommonJS bundle through a code cache. Node 20 has no module compile cache (and none at all for ESM), so
// without this every run re-parses and re-compiles the create path's ~0.8 MB of yeoman, mem-fs and handlebars; with
// it, V8 deserialises the bytecode it produced on the previous run instead (bench/RESULTS.md has the difference).
// Where Node has its own compile cache (module.enableCompileCache, Node >= 22.1), that one is used instead.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';
import { writeCacheFile } from './cache-dir.ts';

/**
 * How a load used the cache: read and accepted, absent (written at exit), rejected by V8 (rewritten), off, or handed
 * to Node's own compile cache.
 */
export type CodeCacheUse = 'hit' | 'miss' | 'rejected' | 'off' | 'node';

/** Node's `module.enableCompileCache` (Node >= 22.1; absent from Node 20's types, hence declared here). */
export type EnableCompileCache = (directory?: string) => { status: number; message?: string; directory?: string };

/** Where the bundle loader finds Node's compile cache; tests pass their own. */
export interface LoadOptions {
  enableCompileCache?: EnableCompileCache | undefined;
}

/** A loaded bundle's exports and how its code cache was used. */
export interface LoadedBundle<T> {
  exports: T;
  cache: CodeCacheUse;
}

/**
 * The per-user cache folder: `<tmp>/create-detml-code-cache-<uid>`, or undefined when caching is switched off
 * (`NODE_DISABLE_COMPILE_CACHE`, Node's own switch) or the folder is not safely ours. Code cache is executable
 * bytecode, so a folder another user could write into (a planted symlink, a group-writable folder) is never used.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const uid = process.getuid?.() ?? 'user';
  const dir = env.DETML_CODE_CACHE_DIR ?? join(tmpdir(), `create-detml-code-cache-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    if (process.getuid && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Runs a CommonJS bundle file and returns its exports. The cache entry is keyed by the bundle's content (a hash of its
 * bytes) and the Node and V8 versions, so an updated bundle never runs stale bytecode, even when its size and mtime
 * are unchanged: V8's own check compares only the source length. We rewrite what V8 rejects. The cache is written
 * once, when the process exits, so it holds every function the run compiled.
 */
export function loadBundle<T>(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = { enableCompileCache: nodeCompileCache() },
): LoadedBundle<T> {
  const dir = codeCacheDir(env);
  if (dir && options.enableCompileCache) {
    // Node's cache checks each module's content itself; an ENABLED (1) or ALREADY_ENABLED (2) status means require() uses it.
    const { status } = options.enableCompileCache(dir);
    if (status === 1 || status === 2) return { exports: createRequire(file)(file) as T, cache: 'node' };
  }
  const fd = openSync(file, 'r');
  let bytes: Buffer;
  try {
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  // One entry per installed bundle (path hash); its name changes whenever Node, V8 or the bundle's bytes do.
  const prefix = `${basename(file)}-${pathHash(file)}-`;
  const cacheFile =
    dir && join(dir, `${prefix}${process.version}-${process.versions.v8}-${process.arch}-${contentHash(bytes)}.bin`);
  const cachedData = cacheFile ? readIfOwned(cacheFile) : undefined;
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`,
    {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
    },
  );
  const cache: CodeCacheUse = !cacheFile
    ? 'off'
    : !cachedData
      ? 'miss'
      : script.cachedDataRejected
        ? 'rejected'
        : 'hit';
  if (dir && cacheFile && cache !== 'hit') process.once('exit', () => writeCache(dir, prefix, cacheFile, script));
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (e: T, r: NodeJS.Require, m: { exports: T }, f: string, d: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, cache };
}

/** The bundle's content key: SHA-256 of its bytes (hardware-accelerated: about 0.5 ms per MB, 0.44 ms for create's bundle). */
export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

function nodeCompileCache(): EnableCompileCache | undefined {
  return (Module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
}

function readIfOwned(path: string): Buffer | undefined {
  try {
    const st = statSync(path);
    if (process.getuid && st.uid !== process.getuid()) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Best effort and atomic: a read-only or full disk only costs the next run its cache, and readers never see half a file. */
function writeCache(dir: string, prefix: string, path: string, script: vm.Script): void {
  try {
    // Entries of this bundle's earlier versions are dead weight once it changed.
    for (const name of readdirSync(dir))
      if (name.startsWith(prefix) && name.endsWith('.bin')) rmSync(join(dir, name), { force: true });
    writeCacheFile(path, script.createCachedData());
  } catch {
    // The cache is an optimisation; the command's own result is what matters.
  }
}

/** FNV-1a of the bundle's path, so two installs of the same version never share (or evict) each other's entry. */
function pathHash(path: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
