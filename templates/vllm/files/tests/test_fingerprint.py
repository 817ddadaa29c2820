import json
import os
import subprocess
import unittest
from unittest import mock

from tests.support import ProjectTestCase, deterministic_env, module

fingerprint = module("detml.fingerprint")

H100_SXM = {
    "name": "NVIDIA H100 80GB HBM3", "pci.device_id": "0x233010DE", "driver_version": "580.65.06",
    "vbios_version": "96.00.99.00.01", "memory.total": "81559", "compute_cap": "9.0", "mig.mode.current": "Disabled",
    "ecc.mode.current": "Enabled", "power.limit": "700.00", "clocks.max.sm": "1980",
}


def fake_run(rows, fail_fields=()):
    """A subprocess.run double for nvidia-smi; queries naming any of `fail_fields` fail like an old driver."""
    def run(argv, **kwargs):
        query = next((a.split("=", 1)[1] for a in argv if a.startswith("--query-gpu=")), None)
        if query is None:
            return subprocess.CompletedProcess(argv, 0, "CUDA Version: 12.9\n", "")
        fields = query.split(",")
        if any(f in fail_fields for f in fields):
            return subprocess.CompletedProcess(argv, 2, "", f'Field "{fail_fields[0]}" is not a valid field to query.')
        out = "".join(", ".join(row.get(f, "[N/A]") for f in fields) + "\n" for row in rows)
        return subprocess.CompletedProcess(argv, 0, out, "")
    return run


def strict(**overrides):
    value = {
        "gpus": [{"name": "NVIDIA H100 80GB HBM3", "computeCap": "9.0", "smCount": 132}],
        "gpuCount": 1, "tensorParallel": 1,
        "image": {"ref": "vllm/vllm-openai:v0", "digest": "sha256:" + "ab" * 32},
        "lock": {"sha256": "1" * 64}, "config": {"sha256": "2" * 64}, "libs": {"vllm": "0"},
    }
    value.update(overrides)
    return value


class QueryTest(unittest.TestCase):
    def test_parses_rows_and_not_available(self):
        row = dict(H100_SXM, **{"vbios_version": "[N/A]"})
        gpus, error = fingerprint.query_gpus(fake_run([row, H100_SXM]))
        self.assertIsNone(error)
        self.assertEqual(len(gpus), 2)
        self.assertEqual(gpus[0]["name"], "NVIDIA H100 80GB HBM3")
        self.assertEqual(gpus[0]["compute_cap"], "9.0")
        self.assertIsNone(gpus[0]["vbios_version"])

    def test_falls_back_when_the_driver_rejects_a_field(self):
        gpus, error = fingerprint.query_gpus(fake_run([H100_SXM], fail_fields=("clocks.max.sm",)))
        self.assertIsNone(error)
        self.assertEqual(gpus[0]["compute_cap"], "9.0")
        self.assertNotIn("clocks.max.sm", gpus[0])

    def test_no_nvidia_smi_means_no_gpu(self):
        def missing(argv, **kwargs):
            raise FileNotFoundError(argv[0])
        self.assertEqual(fingerprint.query_gpus(missing), ([], "nvidia-smi not found"))

    def test_cuda_visible_devices_filters(self):
        gpus = [{"name": "a"}, {"name": "b"}, {"name": "c"}]
        self.assertEqual(fingerprint.visible(gpus, {"CUDA_VISIBLE_DEVICES": "2,0"}), [{"name": "c"}, {"name": "a"}])
        self.assertEqual(fingerprint.visible(gpus, {}), gpus)

    def test_missing_libraries_are_none(self):
        self.assertEqual(fingerprint.lib_versions(["surely-not-installed-detml-xyz"]), {"surely-not-installed-detml-xyz": None})


class ClassKeyTest(unittest.TestCase):
    def test_format(self):
        key = fingerprint.class_key(strict())
        self.assertEqual(key, "nvidia-h100-80gb-hbm3-cc90-sm132-x1-tp1-abababababab-lock111111111111-cfg222222222222")

    def test_every_strict_part_splits_classes(self):
        base = fingerprint.class_key(strict())
        pcie = strict(gpus=[{"name": "NVIDIA H100 80GB HBM3", "computeCap": "9.0", "smCount": 114}])
        variants = [
            pcie,
            strict(gpus=[{"name": "NVIDIA A100-SXM4-80GB", "computeCap": "8.0", "smCount": 108}]),
            strict(gpuCount=2),
            strict(tensorParallel=2),
            strict(image={"ref": "x", "digest": "sha256:" + "cd" * 32}),
            strict(lock={"sha256": "3" * 64}),
            strict(config={"sha256": "4" * 64}),
        ]
        keys = [fingerprint.class_key(v) for v in variants]
        self.assertNotIn(base, keys)
        self.assertEqual(len(set(keys)), len(keys))
        self.assertEqual(fingerprint.class_key(strict()), base)

    def test_no_gpu_and_no_image(self):
        key = fingerprint.class_key(strict(gpus=[], gpuCount=0, image={"ref": None, "digest": None}))
        self.assertTrue(key.startswith("nogpu-ccna-smna-x0-tp1-libs"), key)


class CollectTest(ProjectTestCase):
    def test_collect_with_torch_sm_counts(self):
        environ = {"DETML_IMAGE_DIGEST": "sha256:" + "ef" * 32, "DETML_IMAGE": "img:tag", "VLLM_BATCH_INVARIANT": "1"}
        with mock.patch.dict(os.environ, {"FAKE_TORCH_GPUS": "NVIDIA H100 80GB HBM3:132"}):
            fp = fingerprint.collect(self.project, environ=environ, run=fake_run([H100_SXM]))
        self.assertEqual(fp["schema"], "detml.fingerprint/v1")
        gpu = fp["strict"]["gpus"][0]
        self.assertEqual((gpu["name"], gpu["computeCap"], gpu["smCount"], gpu["memoryTotalMiB"]), ("NVIDIA H100 80GB HBM3", "9.0", 132, 81559))
        tp = self.config["engine"]["tensor_parallel_size"]
        self.assertTrue(fp["classKey"].startswith(f"nvidia-h100-80gb-hbm3-cc90-sm132-x1-tp{tp}-efefefefefef-lock"), fp["classKey"])
        self.assertEqual(fp["soft"]["driverVersion"], "580.65.06")
        self.assertEqual(fp["soft"]["cudaDriverApi"], "12.9")
        self.assertEqual(fp["strict"]["libs"]["torch.cuda"], "12.9")
        self.assertEqual(fp["strict"]["determinismEnv"]["VLLM_BATCH_INVARIANT"], "1")
        self.assertIsNone(fp["strict"]["determinismEnv"]["PYTHONHASHSEED"])
        self.assertEqual(fp["strict"]["model"]["revision"], self.config["model"]["revision"])

    def test_key_is_stable_and_follows_the_lock(self):
        run = fake_run([H100_SXM])
        first = fingerprint.collect(self.project, environ={}, run=run, use_torch=False)
        again = fingerprint.collect(self.project, environ={}, run=run, use_torch=False)
        self.assertEqual(first["classKey"], again["classKey"])
        self.assertEqual(first["strictSha256"], again["strictSha256"])
        self.fill_lock()
        filled = fingerprint.collect(self.project, environ={}, run=run, use_torch=False)
        self.assertNotEqual(first["classKey"], filled["classKey"])

    def test_diff_lists_soft_fields_first(self):
        a = {"soft": {"driverVersion": "1"}, "strict": {"gpus": [{"smCount": 132}]}}
        b = {"soft": {"driverVersion": "2"}, "strict": {"gpus": [{"smCount": 114}]}}
        self.assertEqual(fingerprint.diff(a, b), [
            "soft.driverVersion: recorded '1', now '2'",
            "strict.gpus[0].smCount: recorded 132, now 114",
        ])

    def test_command_line_with_a_fake_nvidia_smi(self):
        bin_dir = self.fake_nvidia_smi([H100_SXM, H100_SXM])
        env = deterministic_env(self.project, HF_HOME=self.hf_home, FAKE_TORCH_GPUS="NVIDIA H100 80GB HBM3:132,NVIDIA H100 80GB HBM3:132")
        env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
        result = self.cli("fingerprint", "--out", "out/fp.json", env=env, check=True)
        fp = json.loads((self.project / "out" / "fp.json").read_text())
        self.assertEqual(result.stdout.strip(), fp["classKey"])
        self.assertIn(f"-sm132-x2-tp{self.config['engine']['tensor_parallel_size']}-", fp["classKey"])
        self.assertEqual(fp["soft"]["cudaDriverApi"], "12.9")


if __name__ == "__main__":
    unittest.main()
