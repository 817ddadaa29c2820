"""Hardware/software fingerprint: which "class" of machine produced an output. Standard library only.

    python -m <package>.detml.fingerprint [--out out/fingerprint.json] [--no-torch]

`strict` fields describe the numerics; the class key (the golden folder name) is built from the GPUs the engine
uses (the first tensor-parallel-size devices CUDA_VISIBLE_DEVICES leaves visible, not every GPU in the box): their
model, memory size class, compute capability, MIG profile and SM count; then the GPU count, tensor-parallel size,
the image digest, the lock hash and the engine config hash. `soft` fields (every GPU with its driver and exact
memory, OS, clocks...) are recorded and shown in diffs but do not split classes: deterministic-ml saw identical
outputs across driver versions on one GPU SKU, and different outputs across SKUs and SM counts (H100 PCIe, 114 SMs,
differs from H100 SXM, 132 SMs). nvidia-smi does not print the SM count, so it comes from torch when torch is
importable (the vLLM image has it).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Mapping

from .canonical import pretty_json, sha256_json
from .config import PROJECT_ROOT, config_sha256, engine_config, load_config, load_lock, lock_sha256
from .gpus import Runner, _number, cuda_driver_api, memory_class_gib, query_gpus, query_migs, visible

SCHEMA = "detml.fingerprint/v1"
LIBRARIES = (
    "vllm", "torch", "triton", "flash-attn", "flashinfer-python", "xformers", "transformers", "tokenizers",
    "huggingface-hub", "safetensors", "numpy", "nvidia-cublas-cu12", "nvidia-cudnn-cu12", "nvidia-nccl-cu12",
    "nvidia-cuda-runtime-cu12", "nvidia-cublas", "nvidia-cudnn-cu13", "nvidia-nccl-cu13", "nvidia-cuda-runtime",
)
DETERMINISM_ENV = (
    "PYTHONHASHSEED", "CUBLAS_WORKSPACE_CONFIG", "CUBLASLT_WORKSPACE_SIZE", "NVIDIA_TF32_OVERRIDE",
    "CUDA_VISIBLE_DEVICES", "CUDA_LAUNCH_BLOCKING", "TORCH_CUDA_ARCH_LIST", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS", "LD_PRELOAD", "LD_LIBRARY_PATH", "HF_HUB_OFFLINE", "TOKENIZERS_PARALLELISM",
)
DETERMINISM_PREFIXES = ("VLLM_", "NCCL_")

def torch_facts() -> dict:
    """SM counts and CUDA/cuDNN/NCCL versions from torch; absent or broken torch gives None values."""
    facts = {"torch": None, "cuda": None, "cudnn": None, "nccl": None, "devices": [], "error": None}
    try:
        import torch  # optional: present in the vLLM image
    except Exception as error:  # ImportError, or a broken CUDA install
        facts["error"] = f"torch not importable: {type(error).__name__}"
        return facts
    try:
        facts["torch"] = str(torch.__version__)
        facts["cuda"] = torch.version.cuda
        facts["cudnn"] = torch.backends.cudnn.version()
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(i)
                facts["devices"].append({"name": props.name, "smCount": int(props.multi_processor_count)})
            try:
                facts["nccl"] = ".".join(str(part) for part in torch.cuda.nccl.version())
            except Exception:
                facts["nccl"] = None
    except Exception as error:
        facts["error"] = f"{type(error).__name__}: {error}"
    return facts


def lib_versions(names=LIBRARIES) -> dict:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def determinism_env(environ: Mapping[str, str] = os.environ) -> dict:
    env = {name: environ.get(name) for name in DETERMINISM_ENV}
    for name in sorted(environ):
        if name.startswith(DETERMINISM_PREFIXES):
            env[name] = environ[name]
    return dict(sorted(env.items()))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def class_key(strict: dict) -> str:
    """<gpu>-<memory GiB>g-cc<major><minor>[-mig<profile>]-sm<count>-x<gpus>-tp<tp>-<image digest 12>-lock<12>-cfg<12>."""
    gpus = strict["gpus"]
    if gpus:
        names = sorted({g["name"] or "unknown" for g in gpus})
        gpu = slug(names[0]) if len(names) == 1 else "mixed-" + slug("-".join(names))
        memory = "-".join(sorted({str(g.get("memoryClassGiB") or "na") for g in gpus})) + "g"
        ccs = sorted({g["computeCap"] or "na" for g in gpus})
        cc = "cc" + "-".join(c.replace(".", "") for c in ccs)
        profiles = sorted({g.get("migProfile") or "" for g in gpus} - {""})
        if profiles:
            cc += "-mig" + slug("-".join(profiles)).replace("-", "_")
        sms = sorted({str(g["smCount"]) if g["smCount"] is not None else "na" for g in gpus})
        sm = "sm" + "-".join(sms)
        gpu = f"{gpu}-{memory}"
    else:
        gpu, cc, sm = "nogpu", "ccna", "smna"
    digest = strict["image"]["digest"]
    image = digest.split(":", 1)[-1][:12] if digest else "libs" + sha256_json(strict["libs"])[:8]
    return "-".join([
        gpu, cc, sm, f"x{strict['gpuCount']}", f"tp{strict['tensorParallel']}", image,
        "lock" + strict["lock"]["sha256"][:12], "cfg" + strict["config"]["sha256"][:12],
    ])


def collect(
    root: Path = PROJECT_ROOT,
    environ: Mapping[str, str] = os.environ,
    run: Runner = subprocess.run,
    use_torch: bool = True,
    now: datetime | None = None,
) -> dict:
    config = load_config(root)
    lock = load_lock(root)
    every, smi_error = query_gpus(run)
    devices_visible = visible(every, environ, query_migs(run) if every else [])
    tensor_parallel = int(config["engine"].get("tensor_parallel_size", 1))
    raw = devices_visible[:tensor_parallel]  # vLLM's workers take the first tensor-parallel-size visible devices
    torch_info = torch_facts() if use_torch else {"devices": [], "torch": None, "cuda": None, "cudnn": None, "nccl": None, "error": "skipped"}
    devices = torch_info["devices"]
    gpus = []
    for i, g in enumerate(raw):
        sm = devices[i]["smCount"] if i < len(devices) and len(devices) == len(devices_visible) else None
        gpus.append({
            "name": g.get("name"),
            "pciDeviceId": g.get("pci.device_id"),
            "computeCap": g.get("compute_cap"),
            "smCount": sm,
            "memoryClassGiB": memory_class_gib(_number(g.get("memory.total"))),
            "migProfile": g.get("migProfile"),
        })
    libs = lib_versions()
    libs.update({"torch.cuda": torch_info["cuda"], "torch.cudnn": torch_info["cudnn"], "torch.nccl": torch_info["nccl"]})
    first = raw[0] if raw else {}
    strict = {
        "gpus": gpus,
        "gpuCount": len(gpus),
        "tensorParallel": tensor_parallel,
        "image": {"ref": environ.get("DETML_IMAGE") or None, "digest": environ.get("DETML_IMAGE_DIGEST") or None},
        "lock": {"file": "detml.lock.json", "sha256": lock_sha256(lock)},
        "model": {k: lock["model"].get(k) for k in ("id", "revision", "tokenizer", "tokenizerRevision")},
        "config": {"sha256": config_sha256(config), "values": engine_config(config)},
        "libs": dict(sorted(libs.items())),
        "runtime": {"python": platform.python_version(), "implementation": platform.python_implementation(),
                    "libc": "-".join(platform.libc_ver()) or None, "machine": platform.machine()},
        "determinismEnv": determinism_env(environ),
    }
    soft = {
        "gpus": [
            {"index": g.get("index"), "uuid": g.get("uuid"), "name": g.get("name"), "memoryTotalMiB": _number(g.get("memory.total")),
             "migMode": g.get("mig.mode.current"), "driverVersion": g.get("driver_version")}
            for g in every
        ],
        "driverVersion": first.get("driver_version"),
        "cudaDriverApi": cuda_driver_api(run) if raw else None,
        "vbiosVersion": first.get("vbios_version"),
        "eccMode": first.get("ecc.mode.current"),
        "powerLimitW": _number(first.get("power.limit")),
        "clocksMaxSmMHz": _number(first.get("clocks.max.sm")),
        "kernel": platform.release(),
        "os": _os_name(),
        "hostCpuCount": os.cpu_count(),
        "nvidiaSmiError": smi_error,
        "torchError": torch_info["error"],
    }
    return {
        "schema": SCHEMA,
        "template": "vllm",
        "createdAt": (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "classKey": class_key(strict),
        "strictSha256": sha256_json(strict),
        "strict": strict,
        "soft": soft,
    }


def _os_name():
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.platform()


def diff(recorded: dict, current: dict) -> list:
    """Readable differences between two fingerprints: soft fields first (usually harmless), then strict ones."""
    lines = []
    for section in ("soft", "strict"):
        a, b = _flatten(recorded.get(section, {})), _flatten(current.get(section, {}))
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                lines.append(f"{section}.{key}: recorded {a.get(key)!r}, now {b.get(key)!r}")
    return lines


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for i, inner in enumerate(value):
            out.update(_flatten(inner, f"{prefix}[{i}]"))
        return out or {prefix: []}
    return {prefix: value}


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fingerprint", description="Print this machine's detml fingerprint (JSON).")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    parser.add_argument("--no-torch", action="store_true", help="do not import torch (no SM counts)")
    parser.add_argument("--key", action="store_true", help="print only the class key")
    args = parser.parse_args(argv)
    fp = collect(use_torch=not args.no_torch)
    text = fp["classKey"] + "\n" if args.key else pretty_json(fp)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(pretty_json(fp), encoding="utf-8")
        print(fp["classKey"])
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
