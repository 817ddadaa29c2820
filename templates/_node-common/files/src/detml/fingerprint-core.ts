// The fingerprint machinery every Node template shares. A fingerprint has `strict` fields, which decide how the numbers
// are computed and form the golden class key, and `soft` fields, recorded and shown in diffs only. Which facts are
// strict depends on the framework, so each template's fingerprint.ts builds `strict` and the readable part of the
// class key; this module probes the machine, records the soft facts and hashes `strict` into the key.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from './config-core.js';
import { queryGpus, queryMigs, type GpuInfo, type MigInstance } from './gpu.js';

export * from './gpu.js';

export interface CpuInfo {
  arch: string;
  vendor: string;
  model: string;
  isa: string[];
}

/** What this machine is, probed once per fingerprint. */
export interface Machine {
  gpus: GpuInfo[];
  /** MIG instances of every GPU in MIG mode (empty without MIG). */
  migs: MigInstance[];
  cpu: CpuInfo;
  /** Base image digest (DETML_IMAGE_DIGEST, set by the Dockerfile and the GPU workflow); null outside a container. */
  imageDigest: string | null;
}

/** Every soft fact, in the order a fingerprint lists them; a template leaves out those its `strict` already holds. */
export interface SoftFacts<Model, Config> {
  node: string;
  os: string;
  cpuModel: string;
  cpuVendor: string;
  cpuIsa: string[];
  cpuCount: number;
  memoryTotalMiB: number;
  gpus: GpuInfo[];
  lockfileSha256: string | null;
  model: Model;
  config: { sha256: string; values: Config };
  env: Record<string, string>;
}

export interface FingerprintOf<Strict extends object, Soft extends object> {
  schema: 'detml.fingerprint/v1';
  createdAt: string;
  classKey: string;
  strict: Strict;
  soft: Soft;
}

/** Any template's fingerprint, as the golden store sees it. */
export type AnyFingerprint = FingerprintOf<object, object>;

/** The ISA flags that change which native kernels run (x86 and Arm names as /proc/cpuinfo spells them). */
const ISA_FLAGS = /^(avx|avx2|avx_vnni|avx512f|avx512bw|avx512dq|avx512vl|avx512_vnni|avx512_bf16|avx512_fp16|amx\w*|fma|f16c|sse4_2|neon|asimd|asimddp|sve|sve2|i8mm|bf16)$/;

export function probeMachine(): Machine {
  const gpus = queryGpus();
  return { gpus, migs: gpus.length > 0 ? queryMigs() : [], cpu: cpuInfo(), imageDigest: process.env.DETML_IMAGE_DIGEST || null };
}

/** The soft facts of this machine and project, without the keys in `omit`; key order is kept. */
export function softFacts<Model, Config, K extends keyof SoftFacts<Model, Config>>(
  machine: Machine,
  source: { raw: string; config: Config; model: Model; env: Record<string, string> },
  omit: readonly K[],
): Omit<SoftFacts<Model, Config>, K> {
  const facts: SoftFacts<Model, Config> = {
    node: process.version,
    os: `${platform()} ${release()}`,
    cpuModel: machine.cpu.model,
    cpuVendor: machine.cpu.vendor,
    cpuIsa: machine.cpu.isa,
    cpuCount: cpus().length,
    memoryTotalMiB: Math.round(totalmem() / 2 ** 20),
    gpus: machine.gpus,
    lockfileSha256: fileSha256(resolve(PROJECT_ROOT, 'package-lock.json')),
    model: source.model,
    config: { sha256: sha256(source.raw), values: source.config },
    env: source.env,
  };
  for (const key of omit) delete (facts as Partial<SoftFacts<Model, Config>>)[key];
  return facts;
}

/**
 * Puts a fingerprint together. The class key is the template's readable slug for `strict` plus the first 12 hex digits
 * of sha256(canonical JSON of `strict`): the slug is for humans; the hash is what makes two classes different.
 */
export function fingerprintOf<Strict extends object, Soft extends object>(strict: Strict, soft: Soft, slugOf: (strict: Strict) => string): FingerprintOf<Strict, Soft> {
  return { schema: 'detml.fingerprint/v1', createdAt: new Date().toISOString(), classKey: classKeyOf(strict, slugOf), strict, soft };
}

export function classKeyOf<Strict extends object>(strict: Strict, slugOf: (strict: Strict) => string): string {
  return `${slugOf(strict)}-${sha256(canonicalJson(strict)).slice(0, 12)}`;
}

/** CPU vendor, model and ISA flags from /proc/cpuinfo (Linux); other systems fall back to os.cpus(). */
export function cpuInfo(cpuinfo = readOptional('/proc/cpuinfo')): CpuInfo {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim() ?? '';
  const flags = (field('flags') || field('Features')).split(/\s+/).filter((f) => ISA_FLAGS.test(f));
  const archName = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[arch()] ?? arch();
  return {
    arch: archName,
    vendor: field('vendor_id') || field('CPU implementer') || 'unknown',
    model: field('model name') || cpus()[0]?.model || 'unknown',
    isa: [...new Set(flags)].sort(),
  };
}

/** The highest ISA tier present, for the readable part of the class key. */
export function isaLevel(isa: readonly string[]): string {
  const tiers = ['amx_tile', 'avx512_bf16', 'avx512_vnni', 'avx512f', 'avx2', 'avx', 'sse4_2', 'sve2', 'sve', 'asimddp', 'asimd', 'neon'];
  return tiers.find((t) => isa.includes(t))?.replace('_', '') ?? 'base';
}

/** JSON with object keys sorted at every level, so the hash does not depend on insertion order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Lower case, runs of other characters as one `-`: a GPU name as part of a class key. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function fileSha256(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
