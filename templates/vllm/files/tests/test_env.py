import json
import sys
import unittest
from types import SimpleNamespace

from tests.support import PACKAGE, ProjectTestCase, clean_env, module

env = module("detml.env")
CONFIG = {"batchInvariant": True}
NO_RANDOMIZATION = SimpleNamespace(hash_randomization=0)
RANDOMIZED = SimpleNamespace(hash_randomization=1)


class RecordingExecve:
    def __init__(self):
        self.calls = []

    def __call__(self, path, argv, environ):
        self.calls.append((path, list(argv), dict(environ)))


def full_env(**overrides):
    values = env.required_env(CONFIG)
    values.update(overrides)
    return values


class RequiredEnvTest(unittest.TestCase):
    def test_values(self):
        required = env.required_env(CONFIG)
        self.assertEqual(required["PYTHONHASHSEED"], "0")
        self.assertEqual(required["CUBLAS_WORKSPACE_CONFIG"], ":4096:8")
        self.assertEqual(required["NVIDIA_TF32_OVERRIDE"], "0")
        self.assertEqual(required["VLLM_ENABLE_V1_MULTIPROCESSING"], "0")
        self.assertEqual(required["VLLM_BATCH_INVARIANT"], "1")
        self.assertEqual(required["HF_HUB_OFFLINE"], "1")

    def test_batch_invariance_follows_config(self):
        self.assertEqual(env.required_env({"batchInvariant": False})["VLLM_BATCH_INVARIANT"], "0")

    def test_lock_command_may_go_online(self):
        self.assertNotIn("HF_HUB_OFFLINE", env.required_env(CONFIG, "lock"))
        self.assertIn("HF_HUB_OFFLINE", env.required_env(CONFIG, "run"))


class EnsureEnvTest(unittest.TestCase):
    def ensure(self, environ, *, flags=NO_RANDOMIZATION, modules=None, argv=("run",)):
        execve = RecordingExecve()
        result = env.ensure_env(list(argv), environ=environ, execve=execve, modules=modules or {}, flags=flags, config=CONFIG)
        return result, execve

    def test_complete_environment_is_left_alone(self):
        environ = full_env()
        result, execve = self.ensure(environ)
        self.assertEqual(execve.calls, [])
        self.assertEqual(result["set"], [])
        self.assertEqual(environ, full_env())

    def test_missing_pythonhashseed_reexecutes_with_every_missing_variable(self):
        environ = {"PATH": "/usr/bin", "CUBLAS_WORKSPACE_CONFIG": ":4096:8"}
        _, execve = self.ensure(environ, flags=RANDOMIZED)
        self.assertEqual(len(execve.calls), 1)
        path, argv, child = execve.calls[0]
        self.assertEqual(path, sys.executable)
        self.assertEqual(argv[0], sys.executable)
        self.assertEqual(child["PYTHONHASHSEED"], "0")
        self.assertEqual(child["VLLM_ENABLE_V1_MULTIPROCESSING"], "0")
        self.assertEqual(child["PATH"], "/usr/bin")
        self.assertEqual(child[env.REEXEC_MARKER], "1")
        for key, value in env.required_env(CONFIG).items():
            self.assertEqual(child[key], value)

    def test_pythonhashseed_set_after_start_reexecutes(self):
        _, execve = self.ensure(full_env(), flags=RANDOMIZED)
        self.assertEqual(len(execve.calls), 1)

    def test_other_variables_are_set_in_process(self):
        environ = full_env()
        del environ["VLLM_BATCH_INVARIANT"], environ["CUBLAS_WORKSPACE_CONFIG"]
        result, execve = self.ensure(environ)
        self.assertEqual(execve.calls, [])
        self.assertEqual(sorted(result["set"]), ["CUBLAS_WORKSPACE_CONFIG", "VLLM_BATCH_INVARIANT"])
        self.assertEqual(environ["VLLM_BATCH_INVARIANT"], "1")
        self.assertEqual(environ["CUBLAS_WORKSPACE_CONFIG"], ":4096:8")

    def test_too_late_after_torch_import(self):
        environ = full_env()
        del environ["CUBLAS_WORKSPACE_CONFIG"]
        with self.assertRaisesRegex(env.EnvError, "before torch is imported"):
            self.ensure(environ, modules={"torch": object()})

    def test_conflicting_value_is_refused_not_overridden(self):
        environ = full_env(VLLM_BATCH_INVARIANT="0")
        with self.assertRaisesRegex(env.EnvError, "VLLM_BATCH_INVARIANT='0', but detml needs VLLM_BATCH_INVARIANT='1'"):
            self.ensure(environ)
        self.assertEqual(environ["VLLM_BATCH_INVARIANT"], "0")

    def test_no_reexec_loop(self):
        environ = {env.REEXEC_MARKER: "1"}
        with self.assertRaisesRegex(env.EnvError, "did not take effect"):
            self.ensure(environ, flags=RANDOMIZED)

    def test_marker_is_not_inherited(self):
        environ = full_env(**{env.REEXEC_MARKER: "1"})
        result, _ = self.ensure(environ)
        self.assertTrue(result["reexecuted"])
        self.assertNotIn(env.REEXEC_MARKER, environ)


class GuardInSubprocessTest(ProjectTestCase):
    """The real thing: `python -m <package>` started without the variables re-executes itself."""

    def test_reexec_makes_hash_seed_effective(self):
        result = self.cli("env", env=clean_env(), check=True)
        report = json.loads(result.stdout)
        self.assertTrue(report["guard"]["reexecuted"])
        self.assertEqual(report["hashRandomization"], 0)
        self.assertEqual(report["effective"], report["required"])

    def test_no_reexec_when_already_set(self):
        result = self.cli("env", check=True)
        report = json.loads(result.stdout)
        self.assertFalse(report["guard"]["reexecuted"])
        self.assertEqual(report["hashRandomization"], 0)

    def test_conflict_exits_2(self):
        result = self.cli("env", env=clean_env(PYTHONHASHSEED="1"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("PYTHONHASHSEED='1', but detml needs PYTHONHASHSEED='0'", result.stderr)

    def test_package_name(self):
        self.assertEqual(module("detml.config").PACKAGE, PACKAGE)


if __name__ == "__main__":
    unittest.main()
