"""Static pin checks, no GPU needed: every image by digest (and the same digest as the lock), every action by commit
SHA, the lock consistent with the config, the Dockerfile's determinism variables matching the config."""
from __future__ import annotations

import re
from pathlib import Path

from .config import LOCK_FILE, PACKAGE, PROJECT_ROOT, load_config, load_lock, lock_problems
from .env import required_env

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}\b")
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*['\"]?([^\s'\"#]+)")
IMAGE = re.compile(r"^\s*image:\s*['\"]?([^\s'\"#]+)")
FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.IGNORECASE)
ENV_LINE = re.compile(r"\b([A-Z][A-Z0-9_]*)=(\S+)")


def check(root: Path = PROJECT_ROOT) -> tuple:
    """(problems, warnings)."""
    root = Path(root)
    config = load_config(root)
    lock = load_lock(root)
    problems = list(lock_problems(config, lock))
    warnings = []
    pinned = f"{lock['image']['ref']}@{lock['image']['digest']}"
    stages = set()

    dockerfile = root / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8") if dockerfile.exists() else ""
    froms = [m.group(1) for m in map(FROM.match, text.splitlines()) if m]
    if not froms:
        problems.append("Dockerfile has no FROM")
    for line in text.splitlines():
        match = re.match(r"^\s*FROM\s+.*\bAS\s+(\S+)", line, re.IGNORECASE)
        if match:
            stages.add(match.group(1).lower())
    for image in froms:
        if image.lower() in stages:
            continue
        if not DIGEST.search(image):
            problems.append(f"Dockerfile: FROM {image} is not pinned by digest")
    if froms and froms[-1] != pinned:
        problems.append(f"Dockerfile: final FROM {froms[-1]} is not the locked image {pinned}")
    env_values = dict(ENV_LINE.findall(text))
    for key, want in required_env(config).items():
        have = env_values.get(key)
        if have is not None and have.strip('"') != want:
            problems.append(f"Dockerfile: ENV {key}={have} but detml.config.json needs {want}")

    for workflow in sorted((root / ".github" / "workflows").glob("*.y*ml")):
        for number, line in enumerate(workflow.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{workflow.relative_to(root)}:{number}"
            uses = USES.match(line)
            if uses and not uses.group(1).startswith(("./", "docker://")):
                if not re.search(r"@[0-9a-f]{40}$", uses.group(1)):
                    problems.append(f"{where}: {uses.group(1)} is not pinned to a full commit SHA")
            image = IMAGE.match(line)
            if image:
                if not DIGEST.search(image.group(1)):
                    problems.append(f"{where}: image {image.group(1)} is not pinned by digest")
                elif image.group(1).split("@")[0] == lock["image"]["ref"] and image.group(1) != pinned:
                    problems.append(f"{where}: image {image.group(1)} is not the locked {pinned}")

    if not lock["model"].get("files"):
        warnings.append(
            f"{LOCK_FILE} has no model file hashes yet: run `python -m {PACKAGE} lock --download --fill` "
            "(scripts/docker.sh lock --download --fill) and commit it; GPU runs refuse to start until then"
        )
    return problems, warnings
