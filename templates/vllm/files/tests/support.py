"""Shared test helpers: the fake vLLM/torch first on sys.path, scratch copies of the project, fake model files,
fake nvidia-smi, and the CLI run in a subprocess exactly as users run it (`python -m <package> ...`)."""
from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAKE = ROOT / "tests" / "fake_vllm"
PACKAGE = next(p.parent.parent.name for p in sorted(ROOT.glob("*/detml/__init__.py")))

if str(FAKE) not in sys.path:
    sys.path.insert(0, str(FAKE))
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

# Variables the guard manages or the fakes read: removed so each test starts from a known environment.
MANAGED_PREFIXES = ("VLLM_", "FAKE_", "DETML_", "HF_", "HUGGINGFACE_", "CUBLAS", "NCCL_")
MANAGED = ("PYTHONHASHSEED", "NVIDIA_TF32_OVERRIDE", "TOKENIZERS_PARALLELISM", "CUDA_VISIBLE_DEVICES", "GITHUB_ACTIONS", "CI")

FAKE_FILES = {
    "config.json": b'{"architectures": ["FakeForCausalLM"]}\n',
    "model.safetensors": bytes(range(256)) * 64,
    "tokenizer.json": b'{"version": "1.0"}\n',
    "nested/extra.txt": b"nested file\n",
}


def module(name: str):
    """A module of the project's package, e.g. module("detml.config")."""
    return importlib.import_module(f"{PACKAGE}.{name}")


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in MANAGED and not k.startswith(MANAGED_PREFIXES)}
    env["PYTHONPATH"] = str(FAKE)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def deterministic_env(project: Path, **extra) -> dict:
    """What the Docker image sets: the guard then has nothing to do."""
    config = json.loads((project / "detml.config.json").read_text(encoding="utf-8"))
    required = module("detml.env").required_env(config)
    return clean_env(**required, **extra)


class ProjectTestCase(unittest.TestCase):
    """Each test gets a scratch copy of the project (never the real one) and a private Hugging Face cache."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="detml-test-")
        self.tmp = Path(self._tmp.name)
        self.project = self.tmp / "project"
        shutil.copytree(ROOT, self.project, ignore=shutil.ignore_patterns(".git", "out", ".hf-cache", "__pycache__"))
        # Every test starts from an unfilled lock, whatever the real project's lock holds.
        lockfile = module("detml.lockfile")
        lockfile.write_lock(lockfile.new_lock(self.config, {}), self.project)
        self.hf_home = self.tmp / "hf"
        self.addCleanup(self._tmp.cleanup)

    @property
    def config(self) -> dict:
        return json.loads((self.project / "detml.config.json").read_text(encoding="utf-8"))

    def edit_config(self, **changes) -> None:
        config = self.config
        config.update(changes)
        (self.project / "detml.config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    def snapshot(self) -> Path:
        model = self.config["model"]
        return self.hf_home / "hub" / f"models--{model['id'].replace('/', '--')}" / "snapshots" / model["revision"]

    def write_model(self, files: dict | None = None) -> Path:
        """Fake model files where the Hugging Face cache keeps the pinned revision."""
        directory = self.snapshot()
        for name, data in (files or FAKE_FILES).items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return directory

    def fill_lock(self) -> dict:
        self.write_model()
        return module("detml.lockfile").fill(self.project, environ={"HF_HOME": str(self.hf_home)})

    def fake_nvidia_smi(self, rows: list, banner_cuda: str = "12.9") -> Path:
        """An executable `nvidia-smi` printing the given CSV rows for any --query-gpu."""
        bin_dir = self.tmp / "bin"
        bin_dir.mkdir(exist_ok=True)
        script = bin_dir / "nvidia-smi"
        script.write_text(
            f"#!{sys.executable}\n"
            "import sys\n"
            f"ROWS = {rows!r}\n"
            "query = next((a.split('=', 1)[1] for a in sys.argv[1:] if a.startswith('--query-gpu=')), None)\n"
            "if query is None:\n"
            f"    print('| NVIDIA-SMI 580.65  Driver Version: 580.65  CUDA Version: {banner_cuda} |')\n"
            "    sys.exit(0)\n"
            "fields = query.split(',')\n"
            "for row in ROWS:\n"
            "    print(', '.join(str(row.get(f, '[N/A]')) for f in fields))\n",
            encoding="utf-8",
        )
        script.chmod(0o755)
        return bin_dir

    def cli(self, *args, env: dict | None = None, check: bool = False) -> subprocess.CompletedProcess:
        """`python -m <package> args...` in the scratch project."""
        run_env = env if env is not None else deterministic_env(self.project, HF_HOME=self.hf_home)
        result = subprocess.run(
            [sys.executable, "-m", PACKAGE, *map(str, args)], cwd=self.project, env=run_env,
            capture_output=True, text=True, timeout=300,
        )
        if check and result.returncode != 0:
            self.fail(f"{' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result
