"""`python -m <package> <command>`; __main__ has already made the environment deterministic (env.ensure_env).

  run        generate a suite and write out/run.json (token ids, text, sha256 of both)
  golden     check | record goldens for this machine's hardware class
  selfcheck  same outputs twice in-process, in fresh processes, and for batch size 1 vs N
  lock       --download the pinned model revision, --fill the lock with file hashes, --check them
  fingerprint  this machine's fingerprint and class key
  pins       static checks: images by digest, actions by SHA, lock vs config (no GPU)
  env        what the environment guard did (JSON)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import env as detml_env
from .canonical import pretty_json
from .config import PACKAGE, PROJECT_ROOT, SUITES, ConfigError, config_sha256, load_config, load_lock, lock_sha256


def _suites(value: str) -> list:
    return list(SUITES) if value == "all" else [value]


def _out(args) -> Path:
    return Path(args.out) if args.out else PROJECT_ROOT / "out"


def cmd_run(args) -> int:
    from .engine import Engine

    engine = Engine(PROJECT_ROOT)
    docs = [engine.run(suite, batch=not args.one_by_one) for suite in _suites(args.suite)]
    doc = docs[0] if len(docs) == 1 else {"schema": "detml.runs/v1", "runs": docs}
    target = Path(args.out) if args.out else PROJECT_ROOT / "out" / "run.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(pretty_json(doc), encoding="utf-8")
    for run in docs:
        for case in run["cases"]:
            print(f"{case['case']} tokens={case['num_tokens']} sha256={case['sha256']}")
    print(f"wrote {target}", file=sys.stderr)
    return 0


def load_fingerprint(path: str | None) -> dict:
    """From --fingerprint (made earlier in the job) or a fresh subprocess, so this process never touches CUDA
    before vLLM does. A file made for another config or lock is refused."""
    from . import fingerprint

    if path:
        fp = json.loads(Path(path).read_text(encoding="utf-8"))
    else:
        import subprocess

        result = subprocess.run(
            [sys.executable, "-m", f"{PACKAGE}.detml.fingerprint"], cwd=str(PROJECT_ROOT),
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise ConfigError(f"fingerprint failed: {result.stderr.strip()}")
        fp = json.loads(result.stdout)
    config, lock = load_config(), load_lock()
    if fp.get("schema") != fingerprint.SCHEMA:
        raise ConfigError("not a detml fingerprint file")
    if fp["strict"]["config"]["sha256"] != config_sha256(config) or fp["strict"]["lock"]["sha256"] != lock_sha256(lock):
        raise ConfigError("the fingerprint was taken with another detml.config.json or detml.lock.json: take it again")
    return fp


def cmd_golden(args) -> int:
    from . import golden
    from .engine import Engine

    fp = load_fingerprint(args.fingerprint)
    engine = Engine(PROJECT_ROOT)
    cases = engine.run_suites(_suites(args.suite))
    if args.mode == "record":
        report = golden.record(cases, fp, PROJECT_ROOT, Path(args.dest) if args.dest else None, force=args.force)
    else:
        setting = load_config().get("goldens", {}).get("unknownClass")
        report = golden.check(cases, fp, PROJECT_ROOT, _out(args), golden.unknown_class_policy(args.strict, setting))
    golden.emit(report)
    return 0 if report.ok else 1


def cmd_selfcheck(args) -> int:
    from .selfcheck import selfcheck

    report = selfcheck(PROJECT_ROOT, _out(args), args.suite, args.processes)
    for label in report["passed"]:
        print(f"ok {label}")
    for note in report["skipped"]:
        print(f"skipped: {note}")
    for failure in report["failures"]:
        print(f"FAIL: {failure}")
    return 0 if not report["failures"] else 1


def cmd_lock(args) -> int:
    from . import lockfile

    config = load_config()
    if args.cache_key:
        print(f"key={lockfile.cache_key(config)}")
        return 0
    model_dir = Path(args.model_dir) if args.model_dir else None
    if args.download:
        model_dir = lockfile.download(config)
        print(f"downloaded {config['model']['id']}@{config['model']['revision']} to {model_dir}")
    if args.fill:
        lock = lockfile.fill(PROJECT_ROOT, model_dir)
        print(f"wrote {len(lock['model']['files'])} file hashes to detml.lock.json; review and commit it")
        return 0
    if args.check or not args.download:
        problems = lockfile.check(PROJECT_ROOT, model_dir)
        for problem in problems:
            print(f"FAIL: {problem}")
        if problems:
            candidate = lock_candidate(config, model_dir, _out(args))
            if candidate:
                print(f"the lock these files would give is in {candidate}: review it before committing it as detml.lock.json")
            return 1
        print("detml.lock.json matches the model files")
    return 0


def lock_candidate(config: dict, model_dir: Path | None, out: Path) -> Path | None:
    """When the files on disk do not match, the lock they would give (for review; never written over the real one)."""
    from . import lockfile

    directory = model_dir or lockfile.snapshot_dir(config["model"]["id"], config["model"]["revision"])
    try:
        files = lockfile.hash_tree(directory)
    except lockfile.LockError:
        return None
    if not files or config["model"]["tokenizerRevision"] != config["model"]["revision"]:
        return None
    target = out / "candidates" / "detml.lock.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(pretty_json(lockfile.new_lock(config, files)), encoding="utf-8")
    return target


def cmd_fingerprint(args) -> int:
    from . import fingerprint

    argv = (["--out", args.out] if args.out else []) + (["--no-torch"] if args.no_torch else []) + (["--key"] if args.key else [])
    return fingerprint.main(argv)


def cmd_pins(args) -> int:
    from . import pins

    problems, warnings = pins.check(PROJECT_ROOT)
    for warning in warnings:
        print(f"WARNING: {warning}")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("pins ok")
    return 1 if problems else 0


def cmd_env(args) -> int:
    config = load_config()
    print(pretty_json({
        "guard": detml_env.status(),
        "hashRandomization": sys.flags.hash_randomization,
        "required": detml_env.required_env(config),
        "effective": detml_env.determinism_snapshot(config),
    }), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog=f"python -m {PACKAGE}", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", metavar="command")

    run = sub.add_parser("run", help="generate a suite")
    run.add_argument("--suite", choices=[*SUITES, "all"], default="default")
    run.add_argument("--one-by-one", action="store_true", help="one generate call per prompt (batch size 1)")
    run.add_argument("--out", help="output JSON file (default out/run.json)")
    run.set_defaults(func=cmd_run)

    gold = sub.add_parser("golden", help="check or record goldens")
    gold.add_argument("mode", choices=["check", "record"])
    gold.add_argument("--suite", choices=[*SUITES, "all"], default="all")
    gold.add_argument("--fingerprint", help="fingerprint JSON from `fingerprint --out` (default: take one now)")
    gold.add_argument("--out", help="folder for candidates and mismatches (default out/)")
    gold.add_argument("--dest", help="record into this folder instead of goldens/")
    gold.add_argument("--force", action="store_true", help="record over different existing goldens")
    gold.add_argument("--strict", action="store_true", help="check: a class with no goldens fails (default: only under CI)")
    gold.set_defaults(func=cmd_golden)

    selfc = sub.add_parser("selfcheck", help="run-to-run, process-to-process and batch-invariance checks")
    selfc.add_argument("--suite", choices=SUITES, default="default")
    selfc.add_argument("--processes", type=int, default=2, help="fresh processes to compare (default 2)")
    selfc.add_argument("--out", help="output folder (default out/)")
    selfc.set_defaults(func=cmd_selfcheck)

    lock = sub.add_parser("lock", help="download, fill or check the model lock")
    lock.add_argument("--download", action="store_true", help="download the pinned revision (needs HF_HUB_OFFLINE=0)")
    lock.add_argument("--fill", action="store_true", help="write every model file's sha256 into detml.lock.json")
    lock.add_argument("--check", action="store_true", help="compare the files with the lock (default action)")
    lock.add_argument("--cache-key", action="store_true", help="print key=<CI cache key of the model>")
    lock.add_argument("--model-dir", help="model folder (default: the Hugging Face cache snapshot)")
    lock.add_argument("--out", help="folder for a candidate lock when the check fails (default out/)")
    lock.set_defaults(func=cmd_lock)

    fpr = sub.add_parser("fingerprint", help="this machine's fingerprint")
    fpr.add_argument("--out")
    fpr.add_argument("--no-torch", action="store_true")
    fpr.add_argument("--key", action="store_true")
    fpr.set_defaults(func=cmd_fingerprint)

    pin = sub.add_parser("pins", help="static pin checks")
    pin.set_defaults(func=cmd_pins)

    env = sub.add_parser("env", help="show the determinism environment")
    env.set_defaults(func=cmd_env)
    return top


def main(argv: list | None = None) -> int:
    from .lockfile import LockError

    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    try:
        return args.func(args)
    except (ConfigError, LockError) as error:
        print(f"detml: {error}", file=sys.stderr)
        return 2
