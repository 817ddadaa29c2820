"""detml.lock.json: the image digest, the model and tokenizer revisions and the sha256 of every model file.

The lock starts with an empty "files" map; `python -m <package> lock --download --fill` downloads the pinned
revision (the only step that needs network access) and records the hashes. Every run then checks the files on
disk against the lock before vLLM loads them. Standard library only, except huggingface_hub for the download
(it ships in the vLLM image).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Mapping

from .canonical import pretty_json
from .config import LOCK_FILE, PACKAGE, PROJECT_ROOT, load_config, load_lock, lock_problems

CHUNK = 1 << 20


class LockError(Exception):
    """The model files do not match the lock, or the lock is not filled; the message says what to run."""


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_tree(directory: Path) -> dict:
    """sha256 of every regular file under `directory` (symlinks followed, as in the Hugging Face cache),
    keyed by the `/`-separated relative path, sorted. `.cache/` folders (hub bookkeeping) are skipped."""
    directory = Path(directory)
    if not directory.is_dir():
        raise LockError(f"model folder {directory} does not exist")
    files = {}
    for current, dirs, names in os.walk(directory, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != ".cache")
        for name in sorted(names):
            path = Path(current) / name
            if path.is_file():
                files[path.relative_to(directory).as_posix()] = hash_file(path)
    return dict(sorted(files.items()))


def hub_cache(environ: Mapping[str, str] = os.environ) -> Path:
    """Where huggingface_hub keeps repositories: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub."""
    if environ.get("HF_HUB_CACHE"):
        return Path(environ["HF_HUB_CACHE"])
    if environ.get("HUGGINGFACE_HUB_CACHE"):
        return Path(environ["HUGGINGFACE_HUB_CACHE"])
    if environ.get("HF_HOME"):
        return Path(environ["HF_HOME"]) / "hub"
    base = Path(environ["XDG_CACHE_HOME"]) if environ.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "huggingface" / "hub"


def snapshot_dir(model_id: str, revision: str, environ: Mapping[str, str] = os.environ) -> Path:
    """The cache folder of one model revision (a local path as model id is used as is)."""
    if Path(model_id).is_dir():
        return Path(model_id)
    return hub_cache(environ) / f"models--{model_id.replace('/', '--')}" / "snapshots" / revision


def cache_key(config: dict) -> str:
    """A CI cache key for the downloaded model: changes exactly when the model or its revision changes."""
    slug = config["model"]["id"].replace("/", "--")
    return f"hf-{slug}-{config['model']['revision']}"


def new_lock(config: dict, files: dict, tokenizer_files: dict | None = None) -> dict:
    lock = {
        "schema": "detml.lock/v1",
        "image": {"ref": config["image"]["ref"], "digest": config["image"]["digest"]},
        "model": {
            "id": config["model"]["id"],
            "revision": config["model"]["revision"],
            "tokenizer": config["model"]["id"],
            "tokenizerRevision": config["model"]["tokenizerRevision"],
            "files": dict(sorted(files.items())),
        },
    }
    if tokenizer_files is not None:
        lock["model"]["tokenizerFiles"] = dict(sorted(tokenizer_files.items()))
    return lock


def locked_trees(lock: dict, environ: Mapping[str, str] = os.environ, model_dir: Path | None = None) -> list:
    """(label, expected files, folder) for the model revision and, when it differs, the tokenizer revision."""
    model = lock["model"]
    trees = [("model", model.get("files") or {}, Path(model_dir) if model_dir else snapshot_dir(model["id"], model["revision"], environ))]
    if model.get("tokenizerRevision") != model.get("revision"):
        tokenizer_dir = snapshot_dir(model.get("tokenizer") or model["id"], model["tokenizerRevision"], environ)
        trees.append(("tokenizer", model.get("tokenizerFiles") or {}, tokenizer_dir))
    return trees


def write_lock(lock: dict, root: Path = PROJECT_ROOT) -> Path:
    path = Path(root) / LOCK_FILE
    path.write_text(pretty_json(lock), encoding="utf-8")
    return path


def fill(root: Path = PROJECT_ROOT, model_dir: Path | None = None, environ: Mapping[str, str] = os.environ) -> dict:
    """Re-derives the lock from the config and the files of the pinned revision; returns the new lock."""
    config = load_config(root)
    directory = Path(model_dir) if model_dir else snapshot_dir(config["model"]["id"], config["model"]["revision"], environ)
    files = hash_tree(directory)
    if not files:
        raise LockError(f"{directory} holds no files")
    tokenizer_files = None
    if config["model"]["tokenizerRevision"] != config["model"]["revision"]:
        tokenizer_files = hash_tree(snapshot_dir(config["model"]["id"], config["model"]["tokenizerRevision"], environ))
    lock = new_lock(config, files, tokenizer_files)
    write_lock(lock, root)
    return lock


def check(root: Path = PROJECT_ROOT, model_dir: Path | None = None, environ: Mapping[str, str] = os.environ) -> list:
    """Problems with the lock and the files on disk; empty when every file matches."""
    config = load_config(root)
    lock = load_lock(root)
    problems = lock_problems(config, lock)
    if not lock["model"].get("files"):
        problems.append(
            f"{LOCK_FILE} records no model files yet: run `python -m {PACKAGE} lock --download --fill`"
            " (or scripts/docker.sh lock --download --fill), review and commit the lock"
        )
        return problems
    for label, expected, directory in locked_trees(lock, environ, model_dir):
        if not expected:
            problems.append(f"{LOCK_FILE} records no {label} files: run `python -m {PACKAGE} lock --fill`")
            continue
        try:
            actual = hash_tree(directory)
        except LockError as error:
            problems.append(f"{error}; download it with `python -m {PACKAGE} lock --download`")
            continue
        for name in sorted(set(expected) | set(actual)):
            if name not in actual:
                problems.append(f"missing {label} file {name} in {directory}")
            elif name not in expected:
                problems.append(f"{label} file {name} is not in {LOCK_FILE}")
            elif actual[name] != expected[name]:
                problems.append(f"{label} file {name}: sha256 {actual[name]} != locked {expected[name]}")
    return problems


def verify(root: Path = PROJECT_ROOT, environ: Mapping[str, str] = os.environ) -> dict:
    """Raises LockError unless the lock is filled and matches the files; returns the lock."""
    problems = check(root, environ=environ)
    if problems:
        raise LockError("model files do not match the lock:\n  " + "\n  ".join(problems))
    return load_lock(root)


def download(config: dict, environ: Mapping[str, str] = os.environ) -> Path:
    """Downloads the pinned revision into the Hugging Face cache (needs network and HF_HUB_OFFLINE unset or 0)."""
    if environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes", "on"):
        raise LockError("the download needs network access: run it with HF_HUB_OFFLINE=0")
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise LockError("huggingface_hub is not installed: download inside the vLLM image (scripts/docker.sh)") from None
    path = snapshot_download(repo_id=config["model"]["id"], revision=config["model"]["revision"])
    if config["model"]["tokenizerRevision"] != config["model"]["revision"]:
        snapshot_download(repo_id=config["model"]["id"], revision=config["model"]["tokenizerRevision"])
    return Path(path)
