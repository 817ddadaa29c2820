"""The determinism environment, checked before anything imports torch or vLLM.

Some variables only work if they are in the environment when the interpreter (PYTHONHASHSEED) or the CUDA context
(CUBLAS_WORKSPACE_CONFIG) starts. `ensure_env` therefore:
  * refuses a variable set to a different value (it never silently overrides what the caller chose);
  * re-executes the interpreter with os.execve when a variable that must precede interpreter start is missing or
    not in effect, with every missing variable added;
  * otherwise sets the missing variables in os.environ, which is early enough as long as torch/vLLM are not imported.
Standard library only.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Mapping, MutableMapping

from .config import load_config

REEXEC_MARKER = "DETML_REEXEC"
# Read once by the interpreter at start-up: setting them later has no effect on this process.
PRE_INTERPRETER = ("PYTHONHASHSEED",)
# Modules after whose import setting CUDA/vLLM variables in-process is too late.
HEAVY_MODULES = ("torch", "vllm")
# Commands that need network access for the model download, so HF_HUB_OFFLINE is not required there.
ONLINE_COMMANDS = ("lock",)

_status = {"reexecuted": False, "set": []}


class EnvError(Exception):
    """The environment cannot be made deterministic without overriding the caller; the message says what to do."""


def required_env(config: dict, command: str | None = None) -> dict:
    """Exact values every run needs; VLLM_BATCH_INVARIANT follows detml.config.json's batchInvariant."""
    env = {
        "PYTHONHASHSEED": "0",
        "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
        "NVIDIA_TF32_OVERRIDE": "0",
        "VLLM_ENABLE_V1_MULTIPROCESSING": "0",
        "VLLM_BATCH_INVARIANT": "1" if config["batchInvariant"] else "0",
        "VLLM_USE_FLASHINFER_SAMPLER": "0",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    if command in ONLINE_COMMANDS:
        del env["HF_HUB_OFFLINE"]
    return env


def inspect_env(environ: Mapping[str, str], required: Mapping[str, str]) -> tuple:
    """(missing names, [(name, have, want)] for conflicting values)."""
    missing = [k for k in required if k not in environ]
    conflicts = [(k, environ[k], v) for k, v in required.items() if k in environ and environ[k] != v]
    return missing, conflicts


def hash_seed_in_effect(required: Mapping[str, str], flags=sys.flags) -> bool:
    """PYTHONHASHSEED=0 disables hash randomization; if it was set after start-up, the flag shows it."""
    return required.get("PYTHONHASHSEED") != "0" or flags.hash_randomization == 0


def reexec_argv() -> list:
    """The command line of this process, with the running interpreter (keeps -X/-W options and `-m pkg`)."""
    orig = getattr(sys, "orig_argv", None)
    if orig:
        return [sys.executable, *orig[1:]]
    return [sys.executable, "-m", __package__.split(".")[0], *sys.argv[1:]]  # pragma: no cover (Python < 3.10)


def ensure_env(
    argv: list,
    *,
    environ: MutableMapping[str, str] = os.environ,
    execve: Callable = os.execve,
    modules: Mapping[str, object] = sys.modules,
    flags=sys.flags,
    config: dict | None = None,
) -> dict:
    """Makes the environment exactly `required_env`, re-executing when needed; raises EnvError otherwise."""
    command = argv[0] if argv else None
    required = required_env(config if config is not None else load_config(), command)
    missing, conflicts = inspect_env(environ, required)
    if conflicts:
        lines = [f"  {k}={have!r}, but detml needs {k}={want!r}" for k, have, want in conflicts]
        raise EnvError(
            "the environment contradicts the determinism settings:\n" + "\n".join(lines)
            + "\nUnset these variables or set them to the needed values (VLLM_BATCH_INVARIANT follows"
            + ' "batchInvariant" in detml.config.json)."'
        )
    reexecuted = environ.pop(REEXEC_MARKER, None) == "1"
    needs_restart = [k for k in missing if k in PRE_INTERPRETER]
    if not hash_seed_in_effect(required, flags):
        needs_restart.append("PYTHONHASHSEED (set after interpreter start)")
    if needs_restart:
        if reexecuted:
            raise EnvError(
                f"re-executing with {', '.join(needs_restart)} did not take effect (is python running with -E or -I?);"
                " set the variables before starting python"
            )
        child = dict(environ)
        child.update({k: required[k] for k in missing})
        child[REEXEC_MARKER] = "1"
        _flush()
        execve(sys.executable, reexec_argv(), child)
        return {"reexecuted": False, "set": missing, "execve": True}  # only reached when execve is a test double
    if missing:
        late = [m for m in HEAVY_MODULES if m in modules]
        if late:
            raise EnvError(
                f"{', '.join(missing)} must be set before {', '.join(late)} is imported; set them in the environment"
            )
        for k in missing:
            environ[k] = required[k]
    _status["reexecuted"] = reexecuted
    _status["set"] = list(missing)
    return {"reexecuted": reexecuted, "set": list(missing)}


def status() -> dict:
    """What ensure_env did in this process (for `python -m <package> env` and the run metadata)."""
    return dict(_status)


def determinism_snapshot(config: dict, environ: Mapping[str, str] = os.environ) -> dict:
    return {k: environ.get(k) for k in required_env(config)}


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError):
            pass
