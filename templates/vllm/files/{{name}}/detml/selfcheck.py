"""Self-consistency, independent of goldens (so it also runs on a brand-new hardware class):

  * fresh processes: `python -m <package> run` N times, each a new interpreter and a new engine;
  * in-process: the same suite twice on one engine;
  * batch invariance (only with VLLM_BATCH_INVARIANT=1): every prompt alone (batch size 1) and the whole suite
    in reversed request order must equal the batched run. Without batch invariance vLLM only promises equal
    outputs for equal batches, so these two checks are skipped and reported as such.

The fresh processes run first, before this process loads its own engine, so two engines never share the GPU.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

from .canonical import pretty_json
from .config import PACKAGE, PROJECT_ROOT, load_config
from .golden import case_diff


def compare(label: str, reference: dict, other: dict) -> list:
    """Problems (with diffs) where `other` differs from `reference`; empty when identical."""
    problems = []
    theirs = {c["case"]: c for c in other["cases"]}
    for case in reference["cases"]:
        mine = theirs.get(case["case"])
        if mine is None:
            problems.append(f"{label}: case {case['case']} missing")
        elif mine["sha256"] != case["sha256"]:
            problems.append(f"{label}: {case['case']} differs\n" + "\n".join(case_diff(case, mine)))
    return problems


def fresh_runs(count: int, suite: str, out: Path, root: Path = PROJECT_ROOT, run: Callable = subprocess.run) -> list:
    """Runs `python -m <package> run` in `count` new interpreters (same environment) and loads their outputs."""
    docs = []
    for i in range(count):
        target = Path(out) / "selfcheck" / f"process-{i + 1}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", PACKAGE, "run", "--suite", suite, "--out", str(target)]
        result = run(command, cwd=str(root), check=False)
        if result.returncode != 0:
            raise RuntimeError(f"fresh process {i + 1} failed (exit {result.returncode}): {' '.join(command)}")
        docs.append(json.loads(target.read_text(encoding="utf-8")))
    return docs


def selfcheck(
    root: Path = PROJECT_ROOT,
    out: Path | None = None,
    suite: str = "default",
    processes: int = 2,
    engine_factory: Callable | None = None,
    run: Callable = subprocess.run,
) -> dict:
    root = Path(root)
    out = Path(out or root / "out")
    config = load_config(root)
    report = {"suite": suite, "passed": [], "failures": [], "skipped": []}
    fresh = fresh_runs(processes, suite, out, root, run) if processes > 0 else []
    if engine_factory is None:
        from .engine import Engine as engine_factory
    engine = engine_factory(root)
    first = engine.run(suite)
    checks = [("in-process repeat", engine.run(suite))]
    checks += [(f"fresh process {i + 1}", doc) for i, doc in enumerate(fresh)]
    if config["batchInvariant"]:
        checks.append(("batch size 1 vs batched", engine.run(suite, batch=False)))
        checks.append(("reversed request order", engine.run(suite, order=list(reversed(range(len(first["cases"])))))))
    else:
        report["skipped"].append("batch size 1 vs N and request order: batchInvariant is false (vLLM then only "
                                 "reproduces identical batches)")
    for label, doc in checks:
        problems = compare(label, first, doc)
        if problems:
            report["failures"].extend(problems)
        else:
            report["passed"].append(label)
    report["sha256"] = first["sha256"]
    target = out / "selfcheck" / "report.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(pretty_json(report), encoding="utf-8")
    return report
