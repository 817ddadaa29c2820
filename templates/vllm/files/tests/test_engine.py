import os
import random
import unittest
from unittest import mock

from tests.support import ProjectTestCase, module

# The fakes from tests/fake_vllm: tests.support puts them first on sys.path.
import torch  # isort: skip
import vllm  # isort: skip

engine_mod = module("detml.engine")
canonical = module("detml.canonical")
config_mod = module("detml.config")
lockfile = module("detml.lockfile")


class SeedingTest(unittest.TestCase):
    def setUp(self):
        torch.calls.clear()

    def test_seeds_python_and_torch_and_disables_tf32(self):
        applied = engine_mod.seed_everything(1234)
        first = random.random()
        random.seed(1234)
        self.assertEqual(first, random.random())
        self.assertEqual(applied["random"], 1234)
        self.assertIn(("manual_seed", 1234), torch.calls)
        self.assertIn(("use_deterministic_algorithms", True, True), torch.calls)
        self.assertFalse(torch.backends.cudnn.benchmark)
        self.assertTrue(torch.backends.cudnn.deterministic)
        self.assertEqual(torch.backends.cuda.matmul.fp32_precision, "ieee")
        self.assertEqual(torch.backends.cudnn.conv.fp32_precision, "ieee")
        self.assertFalse(torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction)

    def test_modes(self):
        engine_mod.seed_everything(7, "off")
        self.assertNotIn("use_deterministic_algorithms", [c[0] for c in torch.calls])
        engine_mod.seed_everything(7, "error")
        self.assertIn(("use_deterministic_algorithms", True, False), torch.calls)
        with self.assertRaises(config_mod.ConfigError):
            engine_mod.seed_everything(7, "sometimes")


class EngineArgsTest(ProjectTestCase):
    def test_fixed_engine_arguments(self):
        kwargs, extra_env = engine_mod.engine_kwargs(self.config, config_mod.load_lock(self.project), vllm.LLM)
        model = self.config["model"]
        self.assertEqual(kwargs["model"], model["id"])
        self.assertEqual(kwargs["revision"], model["revision"])
        self.assertEqual(kwargs["tokenizer_revision"], model["tokenizerRevision"])
        self.assertEqual(kwargs["seed"], self.config["seed"])
        self.assertIs(kwargs["enforce_eager"], True)
        self.assertIs(kwargs["enable_prefix_caching"], False)
        self.assertEqual(kwargs["tensor_parallel_size"], self.config["engine"]["tensor_parallel_size"])
        self.assertEqual(kwargs["max_model_len"], self.config["engine"]["max_model_len"])
        self.assertEqual(kwargs["dtype"], self.config["engine"]["dtype"])
        self.assertEqual(kwargs["attention_config"]["backend"], self.config["engine"]["attention_backend"])
        self.assertNotIn("attention_backend", kwargs)
        self.assertEqual(extra_env, {})
        vllm.LLM(**kwargs)  # every argument is one the engine accepts

    def test_older_vllm_gets_the_backend_by_environment(self):
        class OldLLM:
            def __init__(self, model, **kwargs):
                pass
        kwargs, extra_env = engine_mod.engine_kwargs(self.config, config_mod.load_lock(self.project), OldLLM)
        self.assertNotIn("attention_config", kwargs)
        self.assertEqual(extra_env["VLLM_ATTENTION_BACKEND"], self.config["engine"]["attention_backend"])

    def test_unknown_suite(self):
        with self.assertRaises(config_mod.ConfigError):
            engine_mod.sampling_kwargs(self.config, "nope")

    def test_config_validation(self):
        self.edit_config(seed=0)
        with self.assertRaisesRegex(config_mod.ConfigError, "seed"):
            config_mod.load_config(self.project)


class EngineRunTest(ProjectTestCase):
    def setUp(self):
        super().setUp()
        patcher = mock.patch.dict(os.environ, {"HF_HOME": str(self.hf_home)})
        patcher.start()
        self.addCleanup(patcher.stop)

    def engine(self):
        self.fill_lock()
        return engine_mod.Engine(self.project)

    def test_refuses_an_unfilled_lock(self):
        with self.assertRaisesRegex(lockfile.LockError, "records no model files"):
            engine_mod.Engine(self.project)

    def test_refuses_tampered_model_files(self):
        self.fill_lock()
        (self.snapshot() / "config.json").write_bytes(b"{}")
        with self.assertRaisesRegex(lockfile.LockError, "config.json"):
            engine_mod.Engine(self.project)

    def test_run_records_token_ids_text_and_hashes_in_prompt_order(self):
        engine = self.engine()
        run = engine.run("default")
        prompts = config_mod.load_prompts(self.config, self.project)
        self.assertEqual([c["case"] for c in run["cases"]], [f"default.{p['id']}" for p in prompts])
        for case in run["cases"]:
            self.assertEqual({k: case[k] for k in ("token_ids_sha256", "text_sha256", "sha256")},
                             canonical.output_hashes(case["token_ids"], case["text"]))
            self.assertEqual(case["sampling"]["seed"], self.config["seed"])
            self.assertEqual(case["num_tokens"], len(case["token_ids"]))
        self.assertEqual(run["sha256"], canonical.sha256_json([c["sha256"] for c in run["cases"]]))
        llm = engine.llm
        self.assertEqual(llm.kwargs["seed"], self.config["seed"])
        self.assertEqual(llm.calls, [len(prompts)])

    def test_repeatable_in_process_and_independent_of_batching(self):
        engine = self.engine()
        first = engine.run("default")
        self.assertEqual(first["sha256"], engine.run("default")["sha256"])
        self.assertEqual(first["sha256"], engine.run("default", batch=False)["sha256"])
        self.assertEqual(first["sha256"], engine.run("default", order=list(reversed(range(len(engine.prompts)))))["sha256"])
        probe = engine.run("probe")
        self.assertNotEqual(first["sha256"], probe["sha256"])
        if self.config["suites"]["probe"].get("ignore_eos"):
            self.assertTrue(all(c["num_tokens"] == self.config["suites"]["probe"]["max_tokens"] for c in probe["cases"]))

    def test_the_checks_have_teeth(self):
        engine = self.engine()
        batched = engine.run("default")
        with mock.patch.dict(os.environ, {"FAKE_VLLM_BATCH_VARIANT": "1"}):
            self.assertNotEqual(batched["sha256"], engine.run("default", batch=False)["sha256"])
            self.assertNotEqual(engine.run("default")["sha256"], engine.run("default", batch=False)["sha256"])
        with mock.patch.dict(os.environ, {"FAKE_VLLM_NONDETERMINISTIC": "1"}):
            self.assertNotEqual(engine.run("default")["sha256"], engine.run("default")["sha256"])


if __name__ == "__main__":
    unittest.main()
