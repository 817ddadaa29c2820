"""Golden files: goldens/<class-key>/<suite>.<prompt-id>.json plus the class's fingerprint.json.

check: a known class must reproduce every golden exactly (token ids and text) with the model it was recorded with
(modelSha256), else it fails with a readable diff. An unknown class (new hardware, image, lock or config) fails when
CI is set, with --strict or DETML_STRICT=1, and warns locally (goldens.unknownClass in detml.config.json changes that
default); either way its candidates go to out/candidates/<class-key>/ and the report compares them with every
recorded class. Nothing is ever blessed without a commit.
record: writes the current class's goldens (by default into goldens/, to be reviewed and committed); it refuses to
replace goldens that differ unless --force, and lists what would change.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import pretty_json, sha256_json
from .config import PACKAGE, PROJECT_ROOT, load_lock, read_json
from .fingerprint import diff as fingerprint_diff
from .golden_compare import cross_class_report

SCHEMA = "detml.golden/v1"
FINGERPRINT_FILE = "fingerprint.json"
CONTEXT = 60
RECORD_COMMAND = f"python -m {PACKAGE} golden record"
POLICIES = ("fail", "warn")


@dataclass
class Report:
    mode: str
    class_key: str
    passed: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    written: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def golden_of(case: dict, class_key: str, model_sha256: str) -> dict:
    return {"schema": SCHEMA, "classKey": class_key, "modelSha256": model_sha256, **case}


def model_sha256(root: Path = PROJECT_ROOT) -> str:
    """One hash of the model as detml.lock.json pins it (id, revisions, every file's sha256), stored in each golden."""
    return sha256_json(load_lock(Path(root))["model"])


def _flag(value) -> bool:
    return value is not None and value.strip().lower() not in ("", "0", "false")


def unknown_class_policy(strict: bool = False, setting: str | None = None, environ=os.environ) -> str:
    """fail or warn: --strict / DETML_STRICT=1 always fail; else goldens.unknownClass when set; else fail under CI."""
    if strict or _flag(environ.get("DETML_STRICT")):
        return "fail"
    if setting is not None:
        return setting
    return "fail" if _flag(environ.get("CI")) else "warn"


def recorded_fingerprint(fp: dict) -> dict:
    """The fingerprint as stored with goldens: no timestamp, so re-recording identical results changes nothing."""
    return {k: v for k, v in fp.items() if k != "createdAt"}


def write(path: Path, value) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pretty_json(value), encoding="utf-8")
    return path


def write_class(directory: Path, cases: list, fp: dict, model: str) -> list:
    written = [write(directory / FINGERPRINT_FILE, recorded_fingerprint(fp))]
    for case in cases:
        written.append(write(directory / f"{case['case']}.json", golden_of(case, fp["classKey"], model)))
    return written


def known_classes(goldens: Path) -> list:
    return sorted(p.name for p in goldens.iterdir() if p.is_dir()) if goldens.is_dir() else []


def record(cases: list, fp: dict, root: Path = PROJECT_ROOT, dest: Path | None = None, force: bool = False) -> Report:
    """Writes goldens for this class; refuses to replace different existing goldens unless force."""
    key = fp["classKey"]
    directory = Path(dest or Path(root) / "goldens") / key
    report = Report("record", key)
    model = model_sha256(root)
    changes = []
    for case in cases:
        path = directory / f"{case['case']}.json"
        if path.exists():
            old = read_json(path)
            if old.get("sha256") != case["sha256"]:
                changes.append(f"{path}: different output\n" + "\n".join(case_diff(old, case)))
            elif old.get("modelSha256") != model:
                changes.append(f"{path}: same output, recorded for model {old.get('modelSha256')}, now {model}")
    if changes and not force:
        report.failures.append(
            f"refusing to overwrite goldens in {directory}: nothing was written. What would change:\n"
            + "\n".join(changes)
            + f"\nIf the change is intended, run `{RECORD_COMMAND} --force` and review the diff before committing."
        )
        return report
    if changes:
        report.warnings.append("--force: replaced differing goldens:\n" + "\n".join(changes))
    report.written = write_class(directory, cases, fp, model)
    report.warnings.append(
        f"recorded {len(cases)} goldens for class {key} in {directory}: review them and commit (they are seeded files)"
    )
    return report


def check(cases: list, fp: dict, root: Path = PROJECT_ROOT, out: Path | None = None, unknown_class: str = "warn") -> Report:
    key = fp["classKey"]
    goldens = Path(root) / "goldens"
    out = Path(out or Path(root) / "out")
    report = Report("check", key)
    directory = goldens / key
    model = model_sha256(root)
    if not directory.is_dir():
        candidates = out / "candidates" / key
        report.written = write_class(candidates, cases, fp, model)
        known = known_classes(goldens)
        why = (
            "this fails because CI is set, --strict / DETML_STRICT=1 was given, or goldens.unknownClass is \"fail\""
            if unknown_class == "fail" else
            "a warning, not a failure, outside CI (goldens.unknownClass in detml.config.json changes that)"
        )
        lines = [
            f"no goldens for hardware class {key} in {directory}; {why}. Candidates (this run's goldens) are in "
            f"{candidates}. To record this class on this machine: {RECORD_COMMAND} (in the image: scripts/docker.sh "
            f"golden record), then review and commit goldens/{key}/; or copy the candidates there and commit them.",
        ]
        if known:
            lines.append("known classes: " + ", ".join(known))
            lines.append("compared with the recorded classes:")
            lines.extend("  " + line for line in cross_class_report(cases, goldens, known))
            nearest = _nearest(goldens, known, fp)
            if nearest:
                lines.append(f"fingerprint differences from {nearest[0]}:")
                lines.extend("  " + line for line in nearest[1])
        (report.failures if unknown_class == "fail" else report.warnings).append("\n".join(lines))
        return report
    recorded_fp = _read_fingerprint(directory)
    seen = set()
    mismatched = []
    for case in cases:
        path = directory / f"{case['case']}.json"
        seen.add(path.name)
        if not path.exists():
            write(out / "candidates" / key / path.name, golden_of(case, key, model))
            report.warnings.append(f"{case['case']}: no golden in {directory} (new prompt?); candidate written to out/candidates/{key}/")
            continue
        expected = read_json(path)
        if expected.get("sha256") == case["sha256"]:
            if expected.get("modelSha256") != model:
                report.failures.append(
                    f"{path} was recorded for model {expected.get('modelSha256')}, the model now is {model} "
                    f"(detml.lock.json): the outputs happen to match, but the golden does not test this model. "
                    f"Re-record: {RECORD_COMMAND} --force"
                )
                continue
            report.passed.append(case["case"])
            continue
        mismatched.append(case)
        report.failures.append(f"MISMATCH {case['case']} in class {key}:\n" + "\n".join(case_diff(expected, case)))
    for stale in sorted(p.name for p in directory.glob("*.json") if p.name != FINGERPRINT_FILE and p.name not in seen):
        report.warnings.append(f"golden {directory / stale} has no matching case in this run (prompt removed or suite not run?)")
    if mismatched:
        report.written = write_class(out / "mismatch" / key, mismatched, fp, model)
        if recorded_fp:
            lines = fingerprint_diff(recorded_fp, fp)
            report.failures.append(
                "fingerprint differences from the recording (soft fields first):\n"
                + ("\n".join("  " + line for line in lines) if lines else "  none: same class, same software; a real regression")
            )
        report.failures.append(f"actual outputs are in {out / 'mismatch' / key}")
    return report


def case_diff(expected: dict, actual: dict) -> list:
    """A human-readable difference between a golden and a new output."""
    lines = []
    if expected.get("prompt") != actual.get("prompt"):
        lines.append(f"  the prompt changed since recording ({expected.get('prompt')} -> {actual.get('prompt')}): re-record this case")
    if expected.get("sampling") != actual.get("sampling"):
        lines.append(f"  sampling changed since recording: {expected.get('sampling')} -> {actual.get('sampling')}")
    a, b = expected.get("token_ids") or [], actual.get("token_ids") or []
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
    if first is not None:
        lines.append(f"  token_ids: first difference at index {first} of {len(a)}/{len(b)}: expected {a[first]}, got {b[first]}")
    elif len(a) != len(b):
        lines.append(f"  token_ids: same prefix, expected {len(a)} tokens, got {len(b)}")
    ta, tb = expected.get("text") or "", actual.get("text") or ""
    if ta != tb:
        at = next((i for i, (x, y) in enumerate(zip(ta, tb)) if x != y), min(len(ta), len(tb)))
        start = max(0, at - CONTEXT)
        lines.append(f"  text: first difference at character {at}")
        lines.append(f"    expected: ...{ta[start:at + CONTEXT]!r}")
        lines.append(f"    actual:   ...{tb[start:at + CONTEXT]!r}")
    lines.append(f"  sha256: expected {expected.get('sha256')}, got {actual.get('sha256')}")
    return lines


def _read_fingerprint(directory: Path):
    path = directory / FINGERPRINT_FILE
    return read_json(path) if path.exists() else None


def _nearest(goldens: Path, known: list, fp: dict):
    best = None
    for name in known:
        recorded = _read_fingerprint(goldens / name)
        if recorded:
            lines = fingerprint_diff(recorded, fp)
            if best is None or len(lines) < len(best[1]):
                best = (name, lines)
    return best


def emit(report: Report, stream=None) -> None:
    """Prints the report; on GitHub Actions warnings and failures become annotations."""
    stream = stream or sys.stdout
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for name in report.passed:
        print(f"ok {name}", file=stream)
    for warning in report.warnings:
        if github:
            print(f"::warning title=detml {report.mode}::{_escape(warning)}", file=stream)
        print(f"WARNING: {warning}", file=stream)
    for failure in report.failures:
        if github:
            print(f"::error title=detml {report.mode}::{_escape(failure)}", file=stream)
        print(f"FAIL: {failure}", file=stream)
    print(f"{report.mode} {report.class_key}: {'ok' if report.ok else 'FAILED'} "
          f"({len(report.passed)} passed, {len(report.warnings)} warnings, {len(report.failures)} failures)", file=stream)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
