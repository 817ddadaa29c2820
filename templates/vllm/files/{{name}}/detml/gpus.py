"""GPUs as CUDA sees them, from nvidia-smi: the query (with fallbacks for old drivers), MIG instances, which devices
a process may use (CUDA_VISIBLE_DEVICES) and memory as a size class. Standard library only."""
from __future__ import annotations

import csv
import io
import re
import subprocess
from typing import Callable, Mapping

GPU_FIELDS = (
    "index", "uuid", "name", "pci.device_id", "driver_version", "vbios_version", "memory.total", "compute_cap",
    "mig.mode.current", "ecc.mode.current", "power.limit", "clocks.max.sm",
)
# Older drivers reject unknown fields for the whole query, so fall back to smaller sets.
FALLBACK_FIELDS = (
    ("index", "uuid", "name", "pci.device_id", "driver_version", "memory.total", "compute_cap"),
    ("index", "uuid", "name", "driver_version", "memory.total"),
)
Runner = Callable[..., "subprocess.CompletedProcess"]


def _number(value):
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _clean(value: str):
    value = value.strip()
    return None if value in ("", "[N/A]", "N/A", "[Not Supported]", "Not Supported") else value


def query_gpus(run: Runner = subprocess.run) -> tuple:
    """([{field: value}] per GPU from nvidia-smi, error or None). No nvidia-smi means no GPU."""
    last_error = None
    for fields in (GPU_FIELDS, *FALLBACK_FIELDS):
        try:
            result = run(
                ["nvidia-smi", f"--query-gpu={','.join(fields)}", "--format=csv,noheader,nounits"],
                capture_output=True, text=True, timeout=60, check=False,
            )
        except (FileNotFoundError, PermissionError):
            return [], "nvidia-smi not found"
        except subprocess.TimeoutExpired:
            return [], "nvidia-smi timed out"
        if result.returncode != 0:
            last_error = (result.stderr or result.stdout or "").strip() or f"nvidia-smi exited {result.returncode}"
            continue
        rows = [row for row in csv.reader(io.StringIO(result.stdout)) if row]
        return [{f: _clean(v) for f, v in zip(fields, row)} for row in rows], None
    return [], last_error


def cuda_driver_api(run: Runner = subprocess.run):
    """The "CUDA Version" nvidia-smi prints in its banner (what the driver supports)."""
    try:
        result = run(["nvidia-smi"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"CUDA Version:\s*([0-9.]+)", result.stdout or "")
    return match.group(1) if match else None


def query_migs(run: Runner = subprocess.run) -> list:
    """MIG instances from `nvidia-smi -L`: [{"gpuUuid", "profile", "uuid"}]; none without MIG or nvidia-smi."""
    try:
        result = run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    migs, gpu = [], None
    for line in (result.stdout or "").splitlines():
        found = re.match(r"\s*GPU \d+: .*\(UUID: (GPU-[^)\s]+)\)", line)
        if found:
            gpu = found.group(1)
        found = re.match(r"\s*MIG (\S+)\s+Device\s+\d+: \(UUID: (MIG-[^)\s]+)\)", line)
        if found and gpu:
            migs.append({"gpuUuid": gpu, "profile": found.group(1), "uuid": found.group(2)})
    return migs


def visible(gpus: list, environ: Mapping[str, str], migs: list = ()) -> list:
    """The CUDA devices of this process, in CUDA's order: a GPU in MIG mode shows its MIG instances (each with
    "migProfile"), and CUDA_VISIBLE_DEVICES (indices, GPU-/MIG- UUIDs or their prefixes) selects and orders them;
    CUDA stops at the first entry it cannot resolve."""
    def devices_of(position, gpu):
        own = [m for m in migs if gpu.get("uuid") and m["gpuUuid"] == gpu.get("uuid")]
        return [dict(gpu, migProfile=m["profile"], migUuid=m["uuid"]) for m in own] or [dict(gpu, migProfile=None)]

    every = [(i, gpu, devices_of(i, gpu)) for i, gpu in enumerate(gpus)]
    spec = environ.get("CUDA_VISIBLE_DEVICES")
    if spec is None:
        return [d for _, _, devices in every for d in devices]
    chosen = []
    for entry in (part.strip() for part in spec.split(",")):
        found = None
        for position, gpu, devices in every:
            index = gpu.get("index")
            if entry.isdigit() and int(entry) == (int(index) if index is not None else position):
                found = devices[0]
            elif entry.startswith("GPU-") and (gpu.get("uuid") or "").startswith(entry):
                found = devices[0]
            elif entry.startswith("MIG-"):
                found = next((d for d in devices if (d.get("migUuid") or "").startswith(entry)), None)
            if found:
                break
        if not found:
            break
        chosen.append(found)
    return chosen


def memory_class_gib(mib) -> int | None:
    """Memory as a size class: GiB rounded to a multiple of 4 (81559 MiB -> 80). Exact MiB vary with the driver and
    ECC reservations; the same GPU name ships with several sizes."""
    if not mib:
        return None
    return max(4, round(mib / 1024 / 4) * 4)
