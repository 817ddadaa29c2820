import json
import os
import unittest
from unittest import mock

from tests.support import ProjectTestCase, deterministic_env, module

selfcheck = module("detml.selfcheck")
engine_mod = module("detml.engine")


class SelfcheckInProcessTest(ProjectTestCase):
    def setUp(self):
        super().setUp()
        patcher = mock.patch.dict(os.environ, {"HF_HOME": str(self.hf_home)})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.fill_lock()

    def test_passes_with_batch_invariance(self):
        self.edit_config(batchInvariant=True)
        report = selfcheck.selfcheck(self.project, processes=0, engine_factory=engine_mod.Engine)
        self.assertEqual(report["failures"], [])
        self.assertEqual(report["passed"], ["in-process repeat", "batch size 1 vs batched", "reversed request order"])
        self.assertTrue((self.project / "out" / "selfcheck" / "report.json").exists())

    def test_catches_batch_dependence(self):
        self.edit_config(batchInvariant=True)
        with mock.patch.dict(os.environ, {"FAKE_VLLM_BATCH_VARIANT": "1"}):
            report = selfcheck.selfcheck(self.project, processes=0, engine_factory=engine_mod.Engine)
        self.assertTrue(any(f.startswith("batch size 1 vs batched:") for f in report["failures"]), report["failures"])
        self.assertIn("in-process repeat", report["passed"])

    def test_catches_run_to_run_differences(self):
        with mock.patch.dict(os.environ, {"FAKE_VLLM_NONDETERMINISTIC": "1"}):
            report = selfcheck.selfcheck(self.project, processes=0, engine_factory=engine_mod.Engine)
        self.assertTrue(any(f.startswith("in-process repeat:") for f in report["failures"]))

    def test_without_batch_invariance_the_batch_checks_are_skipped(self):
        self.edit_config(batchInvariant=False)
        report = selfcheck.selfcheck(self.project, processes=0, engine_factory=engine_mod.Engine)
        self.assertEqual(report["passed"], ["in-process repeat"])
        self.assertIn("batchInvariant is false", report["skipped"][0])


class EndToEndCliTest(ProjectTestCase):
    """The commands the GPU workflow runs, in fresh interpreters, with the fake engine."""

    def test_lock_fingerprint_golden_selfcheck(self):
        self.write_model()
        self.cli("lock", "--fill", check=True)
        self.cli("lock", "--check", check=True)
        self.cli("fingerprint", "--out", "out/fingerprint.json", "--no-torch", check=True)
        fp = json.loads((self.project / "out" / "fingerprint.json").read_text())

        result = self.cli("golden", "check", "--fingerprint", "out/fingerprint.json", check=True)
        self.assertIn("no goldens for hardware class", result.stdout)
        self.assertFalse((self.project / "goldens" / fp["classKey"]).exists())

        self.cli("golden", "record", "--fingerprint", "out/fingerprint.json", check=True)
        self.assertTrue((self.project / "goldens" / fp["classKey"] / "fingerprint.json").exists())
        result = self.cli("golden", "check", "--fingerprint", "out/fingerprint.json", check=True)
        self.assertIn("check " + fp["classKey"] + ": ok", result.stdout)

        result = self.cli("selfcheck", "--processes", "2", check=True)
        self.assertIn("ok fresh process 2", result.stdout)
        if self.config["batchInvariant"]:
            self.assertIn("ok batch size 1 vs batched", result.stdout)
        else:
            self.assertIn("skipped: batch size 1 vs N", result.stdout)

        env = deterministic_env(self.project, HF_HOME=self.hf_home, FAKE_VLLM_NONDETERMINISTIC="1")
        result = self.cli("golden", "check", "--fingerprint", "out/fingerprint.json", env=env)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("MISMATCH", result.stdout)
        result = self.cli("selfcheck", "--processes", "1", env=env)
        self.assertEqual(result.returncode, 1)
        self.assertIn("FAIL: fresh process 1", result.stdout)

    def test_fingerprint_of_another_config_is_refused(self):
        self.write_model()
        self.cli("lock", "--fill", check=True)
        self.cli("fingerprint", "--out", "out/fingerprint.json", "--no-torch", check=True)
        self.edit_config(seed=99)
        result = self.cli("golden", "check", "--fingerprint", "out/fingerprint.json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("another detml.config.json", result.stderr)

    def test_run_writes_canonical_output(self):
        self.write_model()
        self.cli("lock", "--fill", check=True)
        result = self.cli("run", "--suite", "probe", check=True)
        run = json.loads((self.project / "out" / "run.json").read_text())
        self.assertEqual(run["suite"], "probe")
        for case in run["cases"]:
            self.assertIn(f"{case['case']} tokens={case['num_tokens']} sha256={case['sha256']}", result.stdout)


if __name__ == "__main__":
    unittest.main()
