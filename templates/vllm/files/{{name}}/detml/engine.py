"""The vLLM engine with fixed arguments, and one run of the prompts.

Import this only after env.ensure_env: it imports vLLM (and so torch) when an Engine is created.
"""
from __future__ import annotations

import importlib
import inspect
import os
import random
from pathlib import Path

from .canonical import output_hashes, sha256_hex, sha256_json
from .config import (
    PROJECT_ROOT, SUITES, ConfigError, config_sha256, load_config, load_lock, load_prompts, lock_problems, lock_sha256,
)
from .lockfile import verify

# Used when the installed vLLM predates LLM(attention_config=...).
ATTENTION_ENV = {"backend": "VLLM_ATTENTION_BACKEND", "flash_attn_version": "VLLM_FLASH_ATTN_VERSION"}
TORCH_MODES = ("off", "warn", "error")


def seed_everything(seed: int, torch_mode: str = "warn") -> dict:
    """Seeds Python, NumPy and torch, and switches torch to deterministic, TF32-free numerics when present."""
    if torch_mode not in TORCH_MODES:
        raise ConfigError(f'"torch.deterministicAlgorithms" must be one of {", ".join(TORCH_MODES)}')
    applied = {"random": seed, "numpy": None, "torch": None}
    random.seed(seed)
    try:
        import numpy
    except ImportError:
        pass
    else:
        numpy.random.seed(seed)
        applied["numpy"] = seed
    try:
        import torch
    except ImportError:
        return applied
    torch.manual_seed(seed)  # seeds the CPU and every CUDA device
    cudnn = torch.backends.cudnn
    cudnn.benchmark = False
    cudnn.deterministic = True
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        # torch >= 2.9 API; mixing it with allow_tf32 makes torch raise, and vLLM's batch invariance uses it.
        matmul.fp32_precision = "ieee"
        for name in ("conv", "rnn"):
            backend = getattr(cudnn, name, None)
            if backend is not None and hasattr(backend, "fp32_precision"):
                backend.fp32_precision = "ieee"
    else:
        matmul.allow_tf32 = False
        cudnn.allow_tf32 = False
    for name in ("allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction"):
        if hasattr(matmul, name):
            setattr(matmul, name, False)
    if torch_mode != "off":
        torch.use_deterministic_algorithms(True, warn_only=torch_mode == "warn")
    applied["torch"] = {"seed": seed, "deterministicAlgorithms": torch_mode}
    return applied


def accepts(llm_class, name: str) -> bool:
    try:
        return name in inspect.signature(llm_class).parameters
    except (TypeError, ValueError):
        return False


def engine_kwargs(config: dict, lock: dict, llm_class) -> tuple:
    """(LLM keyword arguments, env vars to set first). The attention backend is pinned through
    LLM(attention_config=...) where the installed vLLM has it, else through its older environment variables."""
    engine = dict(config["engine"])
    attention = {
        "backend": engine.pop("attention_backend", None),
        "flash_attn_version": engine.pop("flash_attn_version", None),
    }
    attention = {k: v for k, v in attention.items() if v is not None}
    model = lock["model"]
    kwargs = {
        "model": model["id"],
        "revision": model["revision"],
        "tokenizer": model.get("tokenizer") or model["id"],
        "tokenizer_revision": model["tokenizerRevision"],
        "seed": config["seed"],
        **engine,
    }
    extra_env = {}
    if attention:
        if accepts(llm_class, "attention_config"):
            kwargs["attention_config"] = attention
        else:
            extra_env = {ATTENTION_ENV[k]: str(v) for k, v in attention.items()}
    return kwargs, extra_env


def sampling_kwargs(config: dict, suite: str) -> dict:
    if suite not in SUITES:
        raise ConfigError(f"unknown suite {suite!r}; known: {', '.join(SUITES)}")
    return {**config["suites"][suite], "seed": config["seed"]}


def case_record(suite: str, prompt: dict, output, sampling: dict) -> dict:
    completion = output.outputs[0]
    token_ids = [int(t) for t in completion.token_ids]
    text = completion.text
    return {
        "case": f"{suite}.{prompt['id']}",
        "suite": suite,
        "prompt": {"id": prompt["id"], "sha256": sha256_hex(prompt["text"])},
        "sampling": sampling,
        "token_ids": token_ids,
        "text": text,
        "num_tokens": len(token_ids),
        "finish_reason": getattr(completion, "finish_reason", None),
        **output_hashes(token_ids, text),
    }


class Engine:
    """One vLLM engine for the project's config and lock; `run` generates one suite."""

    def __init__(self, root: Path = PROJECT_ROOT, *, verify_files: bool | None = None):
        self.root = Path(root)
        self.config = load_config(self.root)
        self.lock = load_lock(self.root)
        problems = lock_problems(self.config, self.lock)
        if problems:
            raise ConfigError("\n".join(problems))
        if verify_files if verify_files is not None else self.config.get("verifyModelFiles", True):
            verify(self.root)  # every model file matches its sha256 before vLLM reads it
        self.prompts = load_prompts(self.config, self.root)
        self.seeding = seed_everything(self.config["seed"], self.config.get("torch", {}).get("deterministicAlgorithms", "warn"))
        try:
            self.vllm = importlib.import_module("vllm")
        except ImportError as error:
            raise ConfigError(f"vLLM is not importable here ({error}): run inside the image, e.g. scripts/docker.sh") from None
        self.kwargs, extra_env = engine_kwargs(self.config, self.lock, self.vllm.LLM)
        for key, value in extra_env.items():
            if os.environ.setdefault(key, value) != value:
                raise ConfigError(f"{key}={os.environ[key]!r} contradicts the pinned attention setting {value!r}")
        self.extra_env = extra_env
        self.llm = self.vllm.LLM(**self.kwargs)

    def run(self, suite: str = "default", *, batch: bool = True, order: list | None = None) -> dict:
        """Generates the suite's prompts: all in one generate call (batch) or one call per prompt; `order` permutes
        the requests (results are reported in prompt-file order either way)."""
        sampling = sampling_kwargs(self.config, suite)
        indices = list(range(len(self.prompts))) if order is None else list(order)
        if sorted(indices) != list(range(len(self.prompts))):
            raise ValueError("order must be a permutation of the prompt indices")
        prompts = [self.prompts[i] for i in indices]

        def params():  # a fresh SamplingParams per request, each with the explicit seed
            return self.vllm.SamplingParams(**sampling)

        if batch:
            outputs = self.llm.generate([p["text"] for p in prompts], [params() for _ in prompts], use_tqdm=False)
        else:
            outputs = [self.llm.generate([p["text"]], [params()], use_tqdm=False)[0] for p in prompts]
        if len(outputs) != len(prompts):
            raise RuntimeError(f"vLLM returned {len(outputs)} outputs for {len(prompts)} prompts")
        by_index = {}
        for index, prompt, output in zip(indices, prompts, outputs):
            if getattr(output, "prompt", None) not in (None, prompt["text"]):
                raise RuntimeError(f"output for prompt {prompt['id']!r} belongs to another prompt (order not kept)")
            by_index[index] = case_record(suite, prompt, output, sampling)
        cases = [by_index[i] for i in range(len(self.prompts))]
        return {
            "schema": "detml.run/v1",
            "suite": suite,
            "batch": batch,
            "order": indices,
            "vllm": getattr(self.vllm, "__version__", None),
            "configSha256": config_sha256(self.config),
            "lockSha256": lock_sha256(self.lock),
            "engineArgs": self.kwargs,
            "engineEnv": self.extra_env,
            "cases": cases,
            "sha256": sha256_json([c["sha256"] for c in cases]),
        }

    def run_suites(self, suites) -> list:
        cases = []
        for suite in suites:
            cases.extend(self.run(suite)["cases"])
        return cases
