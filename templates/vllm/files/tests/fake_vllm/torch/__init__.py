"""A stand-in for the few torch attributes detml touches (seeding, determinism switches, SM counts). Tests only.

FAKE_TORCH_GPUS="NVIDIA H100 80GB HBM3:132,..." makes torch.cuda report those devices (name:SM count).
"""
from __future__ import annotations

import os
from types import SimpleNamespace

__version__ = "0.0.0+fake"
calls = []


def manual_seed(seed):
    calls.append(("manual_seed", seed))


def use_deterministic_algorithms(mode, *, warn_only=False):
    calls.append(("use_deterministic_algorithms", mode, warn_only))


def _devices():
    spec = os.environ.get("FAKE_TORCH_GPUS", "")
    devices = []
    for item in filter(None, spec.split(",")):
        name, _, sm = item.rpartition(":")
        devices.append(SimpleNamespace(name=name, multi_processor_count=int(sm)))
    return devices


class _Matmul:
    def __init__(self):
        self.fp32_precision = "none"
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


class _Cuda:
    def __init__(self):
        self.nccl = SimpleNamespace(version=lambda: (2, 27, 3))

    def is_available(self):
        return bool(_devices())

    def device_count(self):
        return len(_devices())

    def get_device_properties(self, index):
        return _devices()[index]


version = SimpleNamespace(cuda="12.9")
cuda = _Cuda()
backends = SimpleNamespace(
    cudnn=SimpleNamespace(
        deterministic=False, benchmark=True, allow_tf32=True, version=lambda: 91002,
        conv=SimpleNamespace(fp32_precision="none"), rnn=SimpleNamespace(fp32_precision="none"),
    ),
    cuda=SimpleNamespace(matmul=_Matmul()),
)
