import hashlib
import json
import os
import unittest
from pathlib import Path

from tests.support import FAKE_FILES, ROOT, ProjectTestCase, module

lockfile = module("detml.lockfile")
config_mod = module("detml.config")
canonical = module("detml.canonical")


class LockTest(ProjectTestCase):
    def environ(self):
        return {"HF_HOME": str(self.hf_home)}

    def test_project_lock_follows_the_config_and_is_in_canonical_format(self):
        lock = config_mod.load_lock(ROOT)
        config = config_mod.load_config(ROOT)
        self.assertEqual(config_mod.lock_problems(config, lock), [])
        self.assertRegex(lock["model"]["revision"], r"^[0-9a-f]{40}$")
        self.assertRegex(lock["model"]["tokenizerRevision"], r"^[0-9a-f]{40}$")
        self.assertRegex(lock["image"]["digest"], r"^sha256:[0-9a-f]{64}$")
        for name, digest in lock["model"]["files"].items():
            self.assertRegex(digest, r"^[0-9a-f]{64}$", name)
        self.assertEqual((ROOT / "detml.lock.json").read_text(encoding="utf-8"), canonical.pretty_json(lock))

    def test_unfilled_lock_fails_the_check(self):
        problems = lockfile.check(self.project, environ=self.environ())
        self.assertTrue(any("records no model files" in p for p in problems), problems)
        with self.assertRaises(lockfile.LockError):
            lockfile.verify(self.project, environ=self.environ())

    def test_fill_records_every_file(self):
        lock = self.fill_lock()
        expected = {name: hashlib.sha256(data).hexdigest() for name, data in FAKE_FILES.items()}
        self.assertEqual(lock["model"]["files"], dict(sorted(expected.items())))
        self.assertEqual(config_mod.load_lock(self.project), lock)
        self.assertEqual(lockfile.check(self.project, environ=self.environ()), [])
        self.assertEqual(lockfile.verify(self.project, environ=self.environ()), lock)

    def test_symlinks_followed_and_hub_bookkeeping_skipped(self):
        directory = self.write_model()
        blob = self.tmp / "blob.bin"
        blob.write_bytes(b"blob")
        os.symlink(blob, directory / "linked.bin")
        (directory / ".cache").mkdir()
        (directory / ".cache" / "meta").write_text("x")
        files = lockfile.hash_tree(directory)
        self.assertEqual(files["linked.bin"], hashlib.sha256(b"blob").hexdigest())
        self.assertNotIn(".cache/meta", files)

    def test_tampered_missing_and_extra_files_are_reported(self):
        self.fill_lock()
        directory = self.snapshot()
        (directory / "model.safetensors").write_bytes(b"tampered")
        (directory / "tokenizer.json").unlink()
        (directory / "surprise.bin").write_bytes(b"?")
        problems = "\n".join(lockfile.check(self.project, environ=self.environ()))
        self.assertIn("model file model.safetensors: sha256 " + hashlib.sha256(b"tampered").hexdigest(), problems)
        self.assertIn("missing model file tokenizer.json", problems)
        self.assertIn("model file surprise.bin is not in detml.lock.json", problems)

    def test_missing_download_is_reported(self):
        lock = lockfile.new_lock(self.config, {"config.json": "0" * 64})
        lockfile.write_lock(lock, self.project)
        problems = "\n".join(lockfile.check(self.project, environ=self.environ()))
        self.assertIn("does not exist", problems)
        self.assertIn("lock --download", problems)

    def test_lock_must_follow_the_config(self):
        self.fill_lock()
        model = dict(self.config["model"], revision="f" * 40)
        self.edit_config(model=model)
        problems = "\n".join(lockfile.check(self.project, environ=self.environ()))
        self.assertIn("model.revision", problems)
        self.assertIn("lock --download --fill", problems)

    def test_cache_locations(self):
        self.assertEqual(lockfile.hub_cache({"HF_HUB_CACHE": "/c"}), Path("/c"))
        self.assertEqual(lockfile.hub_cache({"HF_HOME": "/h"}), Path("/h/hub"))
        self.assertEqual(lockfile.hub_cache({"XDG_CACHE_HOME": "/x"}), Path("/x/huggingface/hub"))
        self.assertEqual(
            lockfile.snapshot_dir("Org/Model", "a" * 40, {"HF_HOME": "/h"}),
            Path("/h/hub/models--Org--Model/snapshots/" + "a" * 40),
        )
        self.assertEqual(lockfile.cache_key(self.config), "hf-" + self.config["model"]["id"].replace("/", "--") + "-" + self.config["model"]["revision"])

    def test_download_refuses_offline(self):
        with self.assertRaisesRegex(lockfile.LockError, "HF_HUB_OFFLINE=0"):
            lockfile.download(self.config, {"HF_HUB_OFFLINE": "1"})


class LockCliTest(ProjectTestCase):
    def test_fill_then_check_then_tamper(self):
        self.write_model()
        result = self.cli("lock", "--check")
        self.assertEqual(result.returncode, 1)
        self.assertIn("records no model files", result.stdout)
        candidate = self.project / "out" / "candidates" / "detml.lock.json"
        self.assertEqual(json.loads(candidate.read_text())["model"]["files"].keys(), FAKE_FILES.keys())

        self.cli("lock", "--fill", check=True)
        self.assertEqual(len(config_mod.load_lock(self.project)["model"]["files"]), len(FAKE_FILES))
        self.cli("lock", "--check", check=True)

        (self.snapshot() / "config.json").write_bytes(b"{}")
        result = self.cli("lock", "--check")
        self.assertEqual(result.returncode, 1)
        self.assertIn("model file config.json: sha256", result.stdout)

    def test_cache_key_line_for_github_output(self):
        result = self.cli("lock", "--cache-key", check=True)
        self.assertEqual(result.stdout, f"key={lockfile.cache_key(self.config)}\n")


if __name__ == "__main__":
    unittest.main()
