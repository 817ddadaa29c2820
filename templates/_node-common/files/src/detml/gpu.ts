// GPUs as CUDA sees them: nvidia-smi's list, MIG instances, which device a run uses (CUDA_VISIBLE_DEVICES and the
// runtime's device id) and the facts of that device the class key holds; plus the host's CUDA/cuDNN versions.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface GpuInfo {
  /** nvidia-smi's index (what CUDA_VISIBLE_DEVICES=0,1 counts) and the UUID (what GPU-… in it names). */
  index: number;
  uuid: string;
  name: string;
  pciDeviceId: string; // tells apart SKUs that share a name prefix (H100 PCIe, 114 SMs vs H100 SXM, 132 SMs)
  computeCap: string;
  memoryTotalMiB: number;
  migMode: string; // a MIG slice has fewer SMs, and cuBLAS results depend on the SM count
  driverVersion: string;
}

/** One MIG instance (nvidia-smi -L): its profile, e.g. 1g.10gb, and the MIG-… UUID CUDA_VISIBLE_DEVICES may name. */
export interface MigInstance {
  gpuUuid: string;
  profile: string;
  uuid: string;
}

/**
 * The device a run computes on, as the class key holds it: the facts that change numerics. The driver version is
 * recorded (soft) but not keyed, because it was found not to change outputs; exact MiB vary with driver and ECC
 * reservations, so memory is keyed as a size class.
 */
export interface KeyedDevice {
  name: string;
  pciDeviceId: string;
  computeCap: string;
  /** Total memory rounded to a multiple of 4 GiB (80 for 81559 MiB): the same name ships with several sizes. */
  memoryClassGiB: number;
  /** The MIG profile when the device is a MIG slice (fewer SMs: cuBLAS results depend on the SM count); else null. */
  migProfile: string | null;
}

/** GPUs from nvidia-smi; no nvidia-smi (or no driver) means no GPUs, never an error. */
export function queryGpus(command = 'nvidia-smi'): GpuInfo[] {
  let csv: string;
  try {
    csv = execFileSync(
      command,
      ['--query-gpu=index,uuid,name,pci.device_id,compute_cap,memory.total,mig.mode.current,driver_version', '--format=csv,noheader,nounits'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 },
    );
  } catch {
    return [];
  }
  return csv
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [index = '', uuid = '', name = '', pciDeviceId = '', computeCap = '', memory = '', migMode = '', driverVersion = ''] = line.split(',').map((s) => s.trim());
      return { index: Number(index), uuid, name, pciDeviceId, computeCap, memoryTotalMiB: Number(memory) || 0, migMode, driverVersion };
    });
}

/**
 * The device CUDA calls `deviceId` in this process: CUDA_VISIBLE_DEVICES (indices, GPU-/MIG- UUIDs or their prefixes)
 * selects and orders the devices, a GPU in MIG mode shows its MIG instances instead of itself, and the runtime then
 * uses the `deviceId`-th one. Only that device is keyed: other GPUs in the box do not change this run's numbers.
 */
export function usedDevice(machine: { gpus: GpuInfo[]; migs: MigInstance[] }, visibleSpec: string | undefined, deviceId = 0): KeyedDevice | null {
  const devices = cudaDevices(machine, visibleSpec);
  const used = devices[deviceId];
  if (!used) return null;
  const { gpu, mig } = used;
  return {
    name: gpu.name,
    pciDeviceId: gpu.pciDeviceId,
    computeCap: gpu.computeCap,
    memoryClassGiB: memoryClassGiB(gpu.memoryTotalMiB),
    migProfile: mig?.profile ?? null,
  };
}

function cudaDevices(machine: { gpus: GpuInfo[]; migs: MigInstance[] }, visibleSpec: string | undefined): Array<{ gpu: GpuInfo; mig?: MigInstance }> {
  const all = machine.gpus.flatMap((gpu) => {
    const migs = machine.migs.filter((m) => m.gpuUuid === gpu.uuid);
    return migs.length > 0 ? migs.map((mig) => ({ gpu, mig })) : [{ gpu }];
  });
  if (visibleSpec === undefined) return all;
  const picked: Array<{ gpu: GpuInfo; mig?: MigInstance }> = [];
  // CUDA stops at the first entry it cannot resolve, and an empty or invalid list means no devices.
  for (const entry of visibleSpec.split(',').map((e) => e.trim())) {
    let found: { gpu: GpuInfo; mig?: MigInstance } | undefined;
    if (/^\d+$/.test(entry)) {
      const gpu = machine.gpus.find((g) => g.index === Number(entry));
      found = gpu && all.find((d) => d.gpu === gpu);
    } else if (entry.startsWith('MIG-')) {
      const mig = machine.migs.find((m) => m.uuid.startsWith(entry));
      const gpu = mig && machine.gpus.find((g) => g.uuid === mig.gpuUuid);
      found = gpu && mig ? { gpu, mig } : undefined;
    } else if (entry.startsWith('GPU-')) {
      const gpu = machine.gpus.find((g) => g.uuid.startsWith(entry));
      found = gpu && all.find((d) => d.gpu === gpu);
    }
    if (!found) break;
    picked.push(found);
  }
  return picked;
}

/** Memory as a size class: GiB rounded to a multiple of 4 (15.8 -> 16, 22.5 -> 24, 79.6 -> 80, 140.4 -> 140). */
export function memoryClassGiB(mib: number): number {
  return mib > 0 ? Math.max(4, Math.round(mib / 1024 / 4) * 4) : 0;
}

/** MIG instances from `nvidia-smi -L`; none when it fails or no GPU is in MIG mode. */
export function queryMigs(command = 'nvidia-smi'): MigInstance[] {
  let text: string;
  try {
    text = execFileSync(command, ['-L'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
  } catch {
    return [];
  }
  return parseMigList(text);
}

/** Parses `nvidia-smi -L`: "GPU 0: <name> (UUID: GPU-…)" lines, each followed by its "MIG <profile> Device n: (UUID: MIG-…)". */
export function parseMigList(text: string): MigInstance[] {
  const migs: MigInstance[] = [];
  let gpuUuid = '';
  for (const line of text.split('\n')) {
    const gpu = /^GPU \d+: .*\(UUID: (GPU-[^)\s]+)\)/.exec(line.trim());
    if (gpu) gpuUuid = gpu[1]!;
    const mig = /^MIG (\S+)\s+Device\s+\d+: \(UUID: (MIG-[^)\s]+)\)/.exec(line.trim());
    if (mig && gpuUuid) migs.push({ gpuUuid, profile: mig[1]!, uuid: mig[2]! });
  }
  return migs;
}

/** The host's CUDA toolkit and cuDNN versions (recorded, not keyed: the image digest keys them in a container). */
export function cudaHostVersions(env: Readonly<Record<string, string | undefined>> = process.env): { cuda: string | null; cudnn: string | null } {
  let cuda: string | null = null;
  try {
    const json = JSON.parse(readFileSync('/usr/local/cuda/version.json', 'utf8')) as { cuda?: { version?: unknown } };
    if (typeof json.cuda?.version === 'string') cuda = json.cuda.version;
  } catch {
    cuda = env.CUDA_VERSION || null; // set by the nvidia/cuda images
  }
  let cudnn = env.NV_CUDNN_VERSION || null; // set by the nvidia/cuda cudnn images
  for (const dir of cudnn ? [] : ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/local/cuda/lib64']) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const found = names.map((n) => /^libcudnn\.so\.(\d+\.\d+\.\d+)$/.exec(n)?.[1]).find((v) => v !== undefined);
    if (found) {
      cudnn = found;
      break;
    }
  }
  return { cuda, cudnn };
}
