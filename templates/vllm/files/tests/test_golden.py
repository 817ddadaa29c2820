import io
import json
import os
import unittest
from unittest import mock

from tests.support import ProjectTestCase, deterministic_env, module

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

    def test_unknown_class_warns_locally_with_the_record_command_and_candidates(self):
        golden.record(self.cases, fake_fingerprint(), self.project)
        other = fake_fingerprint(key="nvidia-h100-pcie-cc90-sm114-x1-tp1-abcdefabcdef-lock0-cfg0", sm=114)
        report = golden.check(self.cases, other, self.project, self.out)
        self.assertTrue(report.ok)
        self.assertEqual(len(report.warnings), 1)
        self.assertIn(f"no goldens for hardware class {other['classKey']}", report.warnings[0])
        self.assertIn(f"To record this class on this machine: python -m {golden.PACKAGE} golden record", report.warnings[0])
        self.assertIn("strict.gpus[0].smCount: recorded 132, now 114", report.warnings[0])
        candidates = self.out / "candidates" / other["classKey"]
        self.assertEqual(len(list(candidates.glob("*.*.json"))), len(self.cases))
        self.assertFalse((self.project / "goldens" / other["classKey"]).exists(), "never blessed automatically")

    def test_unknown_class_fails_under_ci_and_with_strict(self):
        fp = fake_fingerprint()
        with mock.patch.dict(os.environ, {"CI": "true"}):
            policy = golden.unknown_class_policy(False, None)
        self.assertEqual(policy, "fail")
        report = golden.check(self.cases, fp, self.project, self.out, policy)
        self.assertFalse(report.ok)
        self.assertIn(f"no goldens for hardware class {fp['classKey']}", report.failures[0])
        self.assertTrue((self.out / "candidates" / fp["classKey"]).is_dir(), "candidates for CI to upload")
        self.assertFalse((self.project / "goldens" / fp["classKey"]).exists())
        self.assertEqual(golden.unknown_class_policy(True, "warn", {}), "fail")
        self.assertEqual(golden.unknown_class_policy(False, None, {"DETML_STRICT": "1"}), "fail")
        self.assertEqual(golden.unknown_class_policy(False, None, {"CI": "false"}), "warn")
        self.assertEqual(golden.unknown_class_policy(False, "warn", {"CI": "true"}), "warn")
        self.assertEqual(golden.unknown_class_policy(False, "fail", {}), "fail")

    def test_cli_check_fails_for_an_unknown_class_under_ci_and_warns_without(self):
        fp_file = self.project / "out" / "fp.json"
        self.cli("fingerprint", "--out", fp_file, "--no-torch", check=True)
        env = deterministic_env(self.project, HF_HOME=self.hf_home)
        strict = self.cli("golden", "check", "--fingerprint", fp_file, env={**env, "CI": "true"})
        self.assertEqual(strict.returncode, 1, strict.stdout + strict.stderr)
        self.assertIn("no goldens for hardware class", strict.stdout)
        local = self.cli("golden", "check", "--fingerprint", fp_file, env=env)
        self.assertEqual(local.returncode, 0, local.stdout + local.stderr)
        self.assertEqual(self.cli("golden", "check", "--strict", "--fingerprint", fp_file, env=env).returncode, 1)
        self.edit_config(goldens={"unknownClass": "fail"})
        self.cli("fingerprint", "--out", fp_file, "--no-torch", check=True)
        self.assertEqual(self.cli("golden", "check", "--fingerprint", fp_file, env=env).returncode, 1)
        self.edit_config(goldens={"unknownClass": "sometimes"})
        bad = self.cli("golden", "check", "--fingerprint", fp_file, env=env)
        self.assertEqual(bad.returncode, 2)
        self.assertIn('"goldens.unknownClass" must be "fail" or "warn"', bad.stderr)

    def test_cross_class_report_names_an_identical_class_and_counts_differences(self):
        recorded = fake_fingerprint()
        golden.record(self.cases, recorded, self.project)
        # Only a non-numeric fact differs (another image digest in the key), and the outputs are the same.
        other = fake_fingerprint(key="nvidia-h100-80gb-hbm3-cc90-sm132-x1-tp1-cdcdcdcdcdcd-lock0-cfg0")
        same = golden.check(self.cases, other, self.project, self.out)
        self.assertIn(f"identical to class {recorded['classKey']}", same.warnings[0])
        with mock.patch.dict(os.environ, {"FAKE_VLLM_NONDETERMINISTIC": "1"}):
            changed = self.engine.run_suites(["default", "probe"])
        differs = golden.check(changed, other, self.project, self.out, "fail")
        self.assertRegex(differs.failures[0], rf"differs from class {recorded['classKey']} in [1-9]\d* token ids \([1-9]\d* of {len(self.cases)} cases\)")

    def test_a_golden_recorded_for_another_model_fails_even_when_the_outputs_match(self):
        fp = fake_fingerprint()
        golden.record(self.cases, fp, self.project)
        path = self.project / "goldens" / fp["classKey"] / f"{self.cases[0]['case']}.json"
        stored = json.loads(path.read_text())
        self.assertEqual(stored["modelSha256"], golden.model_sha256(self.project))
        stored["modelSha256"] = "f" * 64
        path.write_text(json.dumps(stored))
        report = golden.check(self.cases, fp, self.project, self.out)
        self.assertFalse(report.ok)
        self.assertIn(f"was recorded for model {'f' * 64}", report.failures[0])

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
        directory = self.project / "goldens" / fp["classKey"]
        before = {p.name: p.read_bytes() for p in directory.iterdir()}
        report = golden.record(changed, fp, self.project)
        self.assertFalse(report.ok)
        self.assertIn("refusing to overwrite goldens", report.failures[0])
        self.assertIn("nothing was written", report.failures[0])
        self.assertIn("first difference at", report.failures[0], "it prints what would change")
        self.assertIn(f"python -m {golden.PACKAGE} golden record --force", report.failures[0])
        self.assertEqual(before, {p.name: p.read_bytes() for p in directory.iterdir()}, "files unchanged")
        forced = golden.record(changed, fp, self.project, force=True)
        self.assertTrue(forced.ok)
        self.assertIn("--force: replaced differing goldens", forced.warnings[0])

    def test_github_annotations(self):
        report = golden.Report("check", "k", warnings=["new\nclass"], failures=["bad"])
        stream = io.StringIO()
        with mock.patch.dict(os.environ, {"GITHUB_ACTIONS": "true"}):
            golden.emit(report, stream)
        self.assertIn("::warning title=detml check::new%0Aclass", stream.getvalue())
        self.assertIn("::error title=detml check::bad", stream.getvalue())


if __name__ == "__main__":
    unittest.main()
