"""The project's own files: detml.config.json (what to run), detml.lock.json (exactly what with), the prompts.

Everything here is standard library only: it is imported before the determinism environment is in place.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .canonical import sha256_json

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_ROOT = PACKAGE_DIR.parent
PACKAGE = PACKAGE_DIR.name
CONFIG_FILE = "detml.config.json"
LOCK_FILE = "detml.lock.json"
SUITES = ("default", "probe")


class ConfigError(Exception):
    """A project file is missing or malformed; the message says which and how to fix it."""


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path} is not valid JSON: {error}") from None


def load_config(root: Path = PROJECT_ROOT) -> dict:
    config = read_json(root / CONFIG_FILE)
    problems = []
    for key in ("model", "image", "seed", "batchInvariant", "engine", "suites", "prompts"):
        if key not in config:
            problems.append(f'"{key}" is required')
    if not problems:
        seed = config["seed"]
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 < seed < 2**32:
            problems.append('"seed" must be an integer from 1 to 2**32-1 (vLLM seeds NumPy with it; 0 means "unseeded" elsewhere)')
        if not isinstance(config["batchInvariant"], bool):
            problems.append('"batchInvariant" must be true or false')
        for suite in SUITES:
            if not isinstance(config["suites"].get(suite), dict):
                problems.append(f'"suites.{suite}" must be an object of SamplingParams fields')
            elif "seed" in config["suites"][suite]:
                problems.append(f'"suites.{suite}.seed" is not allowed: every request gets the top-level "seed"')
        for key in ("id", "revision", "tokenizerRevision"):
            if not isinstance(config["model"].get(key), str):
                problems.append(f'"model.{key}" must be a string')
        goldens = config.get("goldens", {})
        if not isinstance(goldens, dict) or goldens.get("unknownClass", "fail") not in ("fail", "warn"):
            problems.append('"goldens.unknownClass" must be "fail" or "warn" (what a class with no goldens does)')
    if problems:
        raise ConfigError(f"{root / CONFIG_FILE}: " + "; ".join(problems))
    return config


def load_lock(root: Path = PROJECT_ROOT) -> dict:
    lock = read_json(root / LOCK_FILE)
    if lock.get("schema") != "detml.lock/v1" or not isinstance(lock.get("model"), dict) or not isinstance(lock.get("image"), dict):
        raise ConfigError(f"{root / LOCK_FILE} is not a detml.lock/v1 file")
    return lock


def load_prompts(config: dict, root: Path = PROJECT_ROOT) -> list:
    """The prompts in file order; the order is part of the test (vLLM returns outputs in request order)."""
    data = read_json(root / config["prompts"])
    prompts = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(prompts, list) or not prompts:
        raise ConfigError(f'{root / config["prompts"]}: "prompts" must be a non-empty list')
    seen = set()
    for i, prompt in enumerate(prompts):
        if not isinstance(prompt, dict) or not isinstance(prompt.get("id"), str) or not isinstance(prompt.get("text"), str):
            raise ConfigError(f'{root / config["prompts"]}: prompts[{i}] needs string "id" and "text"')
        if prompt["id"] in seen or not re.fullmatch(r"[A-Za-z0-9_-]+", prompt["id"]):
            raise ConfigError(f'{root / config["prompts"]}: prompt id {prompt["id"]!r} must be unique and [A-Za-z0-9_-]')
        seen.add(prompt["id"])
    return prompts


def lock_sha256(lock: dict) -> str:
    """Hash of the lock's content (not its formatting): part of the golden class key."""
    return sha256_json(lock)


def engine_config(config: dict) -> dict:
    """Everything that decides the numbers besides hardware, image and model: hashed into the class key."""
    return {
        "seed": config["seed"],
        "batchInvariant": config["batchInvariant"],
        "engine": config["engine"],
        "torch": config.get("torch", {}),
        "suites": config["suites"],
    }


def config_sha256(config: dict) -> str:
    return sha256_json(engine_config(config))


def lock_problems(config: dict, lock: dict) -> list:
    """Ways the lock disagrees with the config (it is derived from it); empty when consistent."""
    problems = []
    want = {
        ("image", "ref"): config["image"].get("ref"),
        ("image", "digest"): config["image"].get("digest"),
        ("model", "id"): config["model"]["id"],
        ("model", "revision"): config["model"]["revision"],
        ("model", "tokenizerRevision"): config["model"]["tokenizerRevision"],
    }
    for (section, key), value in want.items():
        have = lock.get(section, {}).get(key)
        if have != value:
            problems.append(f"detml.lock.json {section}.{key} is {have!r} but detml.config.json says {value!r}")
    if problems:
        problems.append(f"re-create the lock: python -m {PACKAGE} lock --download --fill")
    return problems
