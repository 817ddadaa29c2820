// The hardware/software fingerprint. `strict` fields decide how the numbers are computed and form the golden class
// key; `soft` fields are recorded and shown in diffs only. Everything in `strict` is stable across runs on one machine.
//
// What decides the bytes differs per backend, and so does `strict`:
//   wasm        the wasm binary (tfjs-backend-wasm version + SIMD flag) run by V8 (Node version). WebAssembly float
//               arithmetic is exactly specified, so the CPU model and its ISA flags do not matter, but the
//               architecture does: XNNPACK's wasm build detects x86 vs Arm at start-up and picks other kernels.
//   cpu         JavaScript kernels: V8's Math.exp/tanh/… implementations (Node version) and the architecture.
//   tensorflow  libtensorflow 2.9.1: CPU ISA flags (Eigen kernels), thread count and, on a GPU, each GPU's model,
//               SM configuration and driver (libtensorflow 2.9.1 has no Hopper kernels; the driver JIT-compiles them).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { BackendInfo } from './backend.js';
import { PROJECT_ROOT, type LoadedConfig } from './config.js';
import { recordedEnvValues, requiredEnvValues } from './env.js';

export interface GpuInfo {
  name: string;
  pciDeviceId: string; // tells apart SKUs that share a name prefix (H100 PCIe, 114 SMs vs H100 SXM, 132 SMs)
  computeCap: string;
  memoryTotalMiB: number;
  migMode: string; // a MIG slice has fewer SMs, and cuBLAS results depend on the SM count
  driverVersion: string;
}

export interface StrictFingerprint {
  template: 'tfjs';
  backend: BackendInfo;
  /** V8 runs the cpu backend's JavaScript and compiles the wasm binary. */
  node: string;
  /** isa and vendor only for the tensorflow backend (native kernels); wasm and cpu depend on the architecture only. */
  cpu: { arch: string; vendor: string | null; isa: string[] };
  /** Only for the tensorflow backend on a GPU; driver included, see the file comment. */
  gpus: GpuInfo[];
  /** Base image digest (DETML_IMAGE_DIGEST, set by the Dockerfile and the GPU workflow); null outside a container. */
  imageDigest: string | null;
  determinismEnv: Record<string, string | null>;
}

export interface SoftFingerprint {
  os: string;
  cpuModel: string;
  cpuVendor: string;
  cpuIsa: string[];
  cpuCount: number;
  memoryTotalMiB: number;
  gpus: GpuInfo[];
  lockfileSha256: string | null;
  model: { path: string; sha256: string; weights: Record<string, string> };
  config: { sha256: string; values: LoadedConfig['config'] };
  env: Record<string, string>;
}

export interface Fingerprint {
  schema: 'detml.fingerprint/v1';
  createdAt: string;
  classKey: string;
  strict: StrictFingerprint;
  soft: SoftFingerprint;
}

/** The ISA flags that change which native kernels run (x86 and Arm names as /proc/cpuinfo spells them). */
const ISA_FLAGS = /^(avx|avx2|avx_vnni|avx512f|avx512bw|avx512dq|avx512vl|avx512_vnni|avx512_bf16|avx512_fp16|amx\w*|fma|f16c|sse4_2|neon|asimd|asimddp|sve|sve2|i8mm|bf16)$/;

/** Collects the fingerprint of this machine for one configured run. */
export function collectFingerprint(loaded: LoadedConfig, backend: BackendInfo): Fingerprint {
  const native = backend.name === 'tensorflow';
  const gpus = queryGpus();
  const cpu = cpuInfo();
  const strict: StrictFingerprint = {
    template: 'tfjs',
    backend,
    node: process.version,
    cpu: { arch: cpu.arch, vendor: native ? cpu.vendor : null, isa: native ? cpu.isa : [] },
    gpus: native && backend.gpu ? gpus : [],
    imageDigest: process.env.DETML_IMAGE_DIGEST || null,
    determinismEnv: requiredEnvValues(loaded.config.threads),
  };
  const soft: SoftFingerprint = {
    os: `${platform()} ${release()}`,
    cpuModel: cpu.model,
    cpuVendor: cpu.vendor,
    cpuIsa: cpu.isa,
    cpuCount: cpus().length,
    memoryTotalMiB: Math.round(totalmem() / 2 ** 20),
    gpus,
    lockfileSha256: fileSha256(resolve(PROJECT_ROOT, 'package-lock.json')),
    model: { ...loaded.config.model },
    config: { sha256: sha256(loaded.raw), values: loaded.config },
    env: recordedEnvValues(),
  };
  return { schema: 'detml.fingerprint/v1', createdAt: new Date().toISOString(), classKey: classKey(strict), strict, soft };
}

/**
 * A readable slug plus the first 12 hex digits of sha256(canonical JSON of `strict`), e.g.
 * `wasm-simd-t1-x86_64-node20.20.2-tfjs4.22.0-0123456789ab`, `cpu-x86_64-node20.20.2-tfjs4.22.0-0123456789ab`,
 * `tf2.9.1-nvidia-h100-80gb-hbm3-cc90-x1-tfjs4.22.0-0123456789ab` or `tf2.9.1-cpu-x86_64-avx512f-t1-tfjs4.22.0-…`.
 * The slug is for humans; the hash is what makes two classes different.
 */
export function classKey(strict: StrictFingerprint): string {
  const hash = sha256(canonicalJson(strict)).slice(0, 12);
  const { backend } = strict;
  const tail = `tfjs${backend.tfjs}-${hash}`;
  if (backend.name === 'wasm') {
    return `wasm-${backend.flags.WASM_HAS_SIMD_SUPPORT ? 'simd' : 'scalar'}-t${backend.threads}-${strict.cpu.arch}-node${strict.node.replace(/^v/, '')}-${tail}`;
  }
  if (backend.name === 'cpu') return `cpu-${strict.cpu.arch}-node${strict.node.replace(/^v/, '')}-${tail}`;
  const tf = `tf${backend.libtensorflow ?? 'unknown'}`;
  const first = strict.gpus[0];
  if (first) return `${tf}-${slug(first.name)}-cc${first.computeCap.replace('.', '')}-x${strict.gpus.length}-${tail}`;
  return `${tf}-cpu-${strict.cpu.arch}-${isaLevel(strict.cpu.isa)}-t${backend.threads}-${tail}`;
}

/** GPUs from nvidia-smi; no nvidia-smi (or no driver) means no GPUs, never an error. */
export function queryGpus(command = 'nvidia-smi'): GpuInfo[] {
  let csv: string;
  try {
    csv = execFileSync(
      command,
      ['--query-gpu=name,pci.device_id,compute_cap,memory.total,mig.mode.current,driver_version', '--format=csv,noheader,nounits'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 },
    );
  } catch {
    return [];
  }
  return csv
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', pciDeviceId = '', computeCap = '', memory = '', migMode = '', driverVersion = ''] = line.split(',').map((s) => s.trim());
      return { name, pciDeviceId, computeCap, memoryTotalMiB: Number(memory) || 0, migMode, driverVersion };
    });
}

/** CPU vendor, model and ISA flags from /proc/cpuinfo (Linux); other systems fall back to os.cpus(). */
export function cpuInfo(cpuinfo = readOptional('/proc/cpuinfo')): { arch: string; vendor: string; model: string; isa: string[] } {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim() ?? '';
  const flags = (field('flags') || field('Features')).split(/\s+/).filter((f) => ISA_FLAGS.test(f));
  const archName = { x64: 'x86_64', arm64: 'aarch64' }[arch()] ?? arch();
  return {
    arch: archName,
    vendor: field('vendor_id') || field('CPU implementer') || 'unknown',
    model: field('model name') || cpus()[0]?.model || 'unknown',
    isa: [...new Set(flags)].sort(),
  };
}

/** The highest ISA tier present, for the readable part of the class key. */
function isaLevel(isa: readonly string[]): string {
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

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';
}

function sha256(data: string | Buffer): string {
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
