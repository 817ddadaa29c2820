import io
import json
import os
import unittest
from unittest import mock

from tests.support import ProjectTestCase, module

golden = module("detml.golden")
engine_mod = module("detml.engine")
fingerprint = module("detml.fingerprint")


def fake_fingerprint(key="nvidia-h100-80gb-hbm3-cc90-sm132-x1-tp1-abcdefabcdef-lock0-cfg0", sm=132, driver="580.65.06"):
    return {
        "schema": fingerprint.SCHEMA, "createdAt": "2026-01-01T00:00:00Z", "classKey": key,
        "strict": {"gpus": [{"name": "NVIDIA H100 80GB HBM3", "smCount": sm}]},
        "soft": {"driverVersion": driver},
    }


class GoldenTest(ProjectTestCase):
    def setUp(self):
        super().setUp()
        patcher = mock.patch.dict(os.environ, {"HF_HOME": str(self.hf_home)})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.fill_lock()
        self.engine = engine_mod.Engine(self.project)
        self.cases = self.engine.run_suites(["default", "probe"])
        self.out = self.project / "out"

    def test_record_then_check_passes(self):
        fp = fake_fingerprint()
        report = golden.record(self.cases, fp, self.project)
        self.assertTrue(report.ok, report.failures)
        directory = self.project / "goldens" / fp["classKey"]
        self.assertTrue((directory / "fingerprint.json").exists())
        self.assertNotIn("createdAt", json.loads((directory / "fingerprint.json").read_text()))
        stored = json.loads((directory / f"{self.cases[0]['case']}.json").read_text())
        self.assertEqual(stored["token_ids"], self.cases[0]["token_ids"])
        self.assertEqual(stored["classKey"], fp["classKey"])
        report = golden.check(self.engine.run_suites(["default", "probe"]), fp, self.project, self.out)
        self.assertTrue(report.ok, report.failures)
        self.assertEqual(len(report.passed), len(self.cases))
        self.assertEqual(report.warnings, [])

    def test_rerecording_identical_results_changes_nothing(self):
        fp = fake_fingerprint()
        golden.record(self.cases, fp, self.project)
        directory = self.project / "goldens" / fp["classKey"]
        before = {p.name: p.read_bytes() for p in directory.iterdir()}
        report = golden.record(self.cases, dict(fp, createdAt="2027-01-01T00:00:00Z"), self.project)
        self.assertTrue(report.ok)
        self.assertEqual(before, {p.name: p.read_bytes() for p in directory.iterdir()})

    def test_unknown_class_passes_with_warning_and_candidates(self):
        golden.record(self.cases, fake_fingerprint(), self.project)
        other = fake_fingerprint(key="nvidia-h100-pcie-cc90-sm114-x1-tp1-abcdefabcdef-lock0-cfg0", sm=114)
        report = golden.check(self.cases, other, self.project, self.out)
        self.assertTrue(report.ok)
        self.assertEqual(len(report.warnings), 1)
        self.assertIn("new hardware class", report.warnings[0])
        self.assertIn("strict.gpus[0].smCount: recorded 132, now 114", report.warnings[0])
        candidates = self.out / "candidates" / other["classKey"]
        self.assertEqual(len(list(candidates.glob("*.*.json"))), len(self.cases))
        self.assertFalse((self.project / "goldens" / other["classKey"]).exists(), "never blessed automatically")

    def test_mismatch_fails_with_a_readable_diff(self):
        fp = fake_fingerprint()
        golden.record(self.cases, fp, self.project)
        with mock.patch.dict(os.environ, {"FAKE_VLLM_NONDETERMINISTIC": "1"}):
            changed = self.engine.run_suites(["default", "probe"])
        report = golden.check(changed, fake_fingerprint(driver="590.1"), self.project, self.out)
        self.assertFalse(report.ok)
        text = "\n".join(report.failures)
        self.assertIn(f"MISMATCH {self.cases[0]['case']}", text)
        self.assertIn("first difference at", text)
        self.assertIn("expected:", text)
        self.assertIn("soft.driverVersion: recorded '580.65.06', now '590.1'", text)
        self.assertTrue((self.out / "mismatch" / fp["classKey"] / f"{self.cases[0]['case']}.json").exists())

    def test_new_prompt_in_a_known_class_is_a_warning(self):
        fp = fake_fingerprint()
        golden.record(self.cases[1:], fp, self.project)
        report = golden.check(self.cases, fp, self.project, self.out)
        self.assertTrue(report.ok)
        self.assertIn("no golden", report.warnings[0])
        self.assertTrue((self.out / "candidates" / fp["classKey"] / f"{self.cases[0]['case']}.json").exists())

    def test_record_does_not_overwrite_different_goldens(self):
        fp = fake_fingerprint()
        golden.record(self.cases, fp, self.project)
        with mock.patch.dict(os.environ, {"FAKE_VLLM_NONDETERMINISTIC": "1"}):
            changed = self.engine.run_suites(["default"])
        report = golden.record(changed, fp, self.project)
        self.assertFalse(report.ok)
        self.assertIn("not overwritten", report.failures[0])
        self.assertTrue(golden.record(changed, fp, self.project, force=True).ok)

    def test_github_annotations(self):
        report = golden.Report("check", "k", warnings=["new\nclass"], failures=["bad"])
        stream = io.StringIO()
        with mock.patch.dict(os.environ, {"GITHUB_ACTIONS": "true"}):
            golden.emit(report, stream)
        self.assertIn("::warning title=detml check::new%0Aclass", stream.getvalue())
        self.assertIn("::error title=detml check::bad", stream.getvalue())


if __name__ == "__main__":
    unittest.main()
