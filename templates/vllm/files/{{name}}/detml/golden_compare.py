"""The cross-class report: how this run's outputs compare with every recorded class.

For an unknown class it says "identical to class X" (only non-numeric facts changed, e.g. a new image with the same
kernels) or "differs from class X in N token ids ..." (e.g. a vLLM upgrade changed the numerics), so adopting a new
class is an informed, reviewable step. Standard library only.
"""
from __future__ import annotations

from pathlib import Path

from .config import read_json


def token_differences(expected: list, actual: list) -> int:
    """Positions where two token id lists differ; a token only one of them has counts as a difference."""
    return sum(1 for x, y in zip(expected, actual) if x != y) + abs(len(expected) - len(actual))


def compare_with_class(cases: list, directory: Path) -> str:
    """One line: "identical to class X", or "differs from class X in N token ids (M of T cases)"."""
    name = directory.name
    differing_cases = 0
    tokens = 0
    notes = []
    for case in cases:
        path = directory / f"{case['case']}.json"
        if not path.exists():
            notes.append(f"{case['case']} not recorded there")
            continue
        golden = read_json(path)
        if golden.get("prompt") != case.get("prompt") or golden.get("sampling") != case.get("sampling"):
            notes.append(f"{case['case']} had another prompt or sampling")
        if golden.get("sha256") == case["sha256"]:
            continue
        differing_cases += 1
        tokens += token_differences(golden.get("token_ids") or [], case.get("token_ids") or [])
    extra = f" ({'; '.join(notes)})" if notes else ""
    if differing_cases == 0 and not notes:
        return f"identical to class {name}"
    return f"differs from class {name} in {tokens} token ids ({differing_cases} of {len(cases)} cases){extra}"


def cross_class_report(cases: list, goldens: Path, known: list) -> list:
    """One line per recorded class (see compare_with_class)."""
    return [compare_with_class(cases, goldens / name) for name in known]
