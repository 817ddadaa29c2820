import unittest

from tests.support import ProjectTestCase, module

pins = module("detml.pins")


class PinsTest(ProjectTestCase):
    def test_generated_project_is_pinned(self):
        problems, warnings = pins.check(self.project)
        self.assertEqual(problems, [])
        self.assertTrue(any("no model file hashes yet" in w for w in warnings))

    def test_unpinned_image_is_reported(self):
        dockerfile = self.project / "Dockerfile"
        text = dockerfile.read_text()
        digest = self.config["image"]["digest"]
        dockerfile.write_text(text.replace("@" + digest, ""))
        problems, _ = pins.check(self.project)
        self.assertTrue(any("is not pinned by digest" in p for p in problems), problems)

    def test_unpinned_action_is_reported(self):
        workflow = self.project / ".github" / "workflows" / "ci.yml"
        text = workflow.read_text()
        start = text.index("actions/checkout@") + len("actions/checkout@")
        workflow.write_text(text[:start] + "v4" + text[start + 40:])
        problems, _ = pins.check(self.project)
        self.assertTrue(any("actions/checkout@v4" in p and "full commit SHA" in p for p in problems), problems)

    def test_dockerfile_env_must_match_config(self):
        self.edit_config(batchInvariant=not self.config["batchInvariant"])
        problems, _ = pins.check(self.project)
        self.assertTrue(any("VLLM_BATCH_INVARIANT" in p for p in problems), problems)

    def test_cli(self):
        result = self.cli("pins", check=True)
        self.assertIn("pins ok", result.stdout)


if __name__ == "__main__":
    unittest.main()
