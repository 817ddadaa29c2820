import json
import os
import subprocess
import unittest
from unittest import mock

from tests.support import ProjectTestCase, deterministic_env, module

fingerprint = module("detml.fingerprint")

H100_SXM = {
    "index": "0", "uuid": "GPU-aaaa1111-0000", "name": "NVIDIA H100 80GB HBM3", "pci.device_id": "0x233010DE", "driver_version": "580.65.06",
    "vbios_version": "96.00.99.00.01", "memory.total": "81559", "compute_cap": "9.0", "mig.mode.current": "Disabled",
    "ecc.mode.current": "Enabled", "power.limit": "700.00", "clocks.max.sm": "1980",
}


def fake_run(rows, fail_fields=(), listing=""):
    """A subprocess.run double for nvidia-smi; queries naming any of `fail_fields` fail like an old driver; `-L`
    prints `listing` (GPU and MIG lines)."""
    def run(argv, **kwargs):
        if "-L" in argv:
            return subprocess.CompletedProcess(argv, 0, listing, "")
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
        "gpus": [{"name": "NVIDIA H100 80GB HBM3", "computeCap": "9.0", "smCount": 132, "memoryClassGiB": 80, "migProfile": None}],
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
        gpus = [{"name": "a", "uuid": "GPU-a1"}, {"name": "b", "uuid": "GPU-b2"}, {"name": "c", "uuid": "GPU-c3"}]
        names = lambda spec: [d["name"] for d in fingerprint.visible(gpus, {"CUDA_VISIBLE_DEVICES": spec} if spec is not None else {})]
        self.assertEqual(names("2,0"), ["c", "a"])
        self.assertEqual(names(None), ["a", "b", "c"])
        self.assertEqual(names("GPU-b"), ["b"], "a UUID prefix, as CUDA accepts it")
        self.assertEqual(names(""), [])
        self.assertEqual(names("1,7,0"), ["b"], "CUDA stops at the first entry it cannot resolve")

    def test_mig_instances_replace_their_gpu(self):
        listing = "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-aaaa1111-0000)\n  MIG 1g.10gb     Device  0: (UUID: MIG-1111)\n  MIG 3g.40gb     Device  1: (UUID: MIG-2222)\n"
        migs = fingerprint.query_migs(fake_run([], listing=listing))
        self.assertEqual([m["profile"] for m in migs], ["1g.10gb", "3g.40gb"])
        gpus = [{"name": "NVIDIA H100 80GB HBM3", "uuid": "GPU-aaaa1111-0000"}]
        self.assertEqual([d["migProfile"] for d in fingerprint.visible(gpus, {}, migs)], ["1g.10gb", "3g.40gb"])
        self.assertEqual([d["migProfile"] for d in fingerprint.visible(gpus, {"CUDA_VISIBLE_DEVICES": "MIG-2222"}, migs)], ["3g.40gb"])

    def test_memory_is_keyed_as_a_size_class(self):
        self.assertEqual([fingerprint.memory_class_gib(m) for m in (16160, 23034, 40537, 81559, 81920, 143771)], [16, 24, 40, 80, 80, 140])
        self.assertIsNone(fingerprint.memory_class_gib(None))

    def test_missing_libraries_are_none(self):
        self.assertEqual(fingerprint.lib_versions(["surely-not-installed-detml-xyz"]), {"surely-not-installed-detml-xyz": None})


class ClassKeyTest(unittest.TestCase):
    def test_format(self):
        key = fingerprint.class_key(strict())
        self.assertEqual(key, "nvidia-h100-80gb-hbm3-80g-cc90-sm132-x1-tp1-abababababab-lock111111111111-cfg222222222222")
        mig = strict(gpus=[{"name": "NVIDIA H100 80GB HBM3", "computeCap": "9.0", "smCount": 16, "memoryClassGiB": 80, "migProfile": "1g.10gb"}])
        self.assertEqual(fingerprint.class_key(mig), "nvidia-h100-80gb-hbm3-80g-cc90-mig1g_10gb-sm16-x1-tp1-abababababab-lock111111111111-cfg222222222222")

    def test_every_strict_part_splits_classes(self):
        base = fingerprint.class_key(strict())
        pcie = strict(gpus=[{"name": "NVIDIA H100 80GB HBM3", "computeCap": "9.0", "smCount": 114, "memoryClassGiB": 80, "migProfile": None}])
        variants = [
            pcie,
            strict(gpus=[{"name": "NVIDIA H100 80GB HBM3", "computeCap": "9.0", "smCount": 132, "memoryClassGiB": 96, "migProfile": None}]),
            strict(gpus=[{"name": "NVIDIA H100 80GB HBM3", "computeCap": "9.0", "smCount": 132, "memoryClassGiB": 80, "migProfile": "7g.80gb"}]),
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
        self.assertEqual((gpu["name"], gpu["computeCap"], gpu["smCount"], gpu["memoryClassGiB"]), ("NVIDIA H100 80GB HBM3", "9.0", 132, 80))
        self.assertEqual(fp["soft"]["gpus"][0]["memoryTotalMiB"], 81559)
        tp = self.config["engine"]["tensor_parallel_size"]
        self.assertTrue(fp["classKey"].startswith(f"nvidia-h100-80gb-hbm3-80g-cc90-sm132-x1-tp{tp}-efefefefefef-lock"), fp["classKey"])
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

    def test_keys_the_devices_in_use_not_the_driver_or_other_gpus(self):
        self.edit_config(engine=dict(self.config["engine"], tensor_parallel_size=1))
        a100 = dict(H100_SXM, index="1", uuid="GPU-bbbb2222-0000", name="NVIDIA A100-SXM4-40GB", compute_cap="8.0", **{"memory.total": "40960"})
        key = lambda rows, environ=None: fingerprint.collect(self.project, environ=environ or {}, run=fake_run(rows), use_torch=False)["classKey"]
        alone = key([H100_SXM])
        self.assertEqual(key([H100_SXM, a100]), alone, "an unused GPU in the box")
        self.assertEqual(key([dict(H100_SXM, driver_version="999.1")]), alone, "the driver version is recorded, not keyed")
        self.assertEqual(key([dict(H100_SXM, **{"memory.total": "81920"})]), alone, "exact MiB are not keyed")
        self.assertTrue(key([H100_SXM, a100], {"CUDA_VISIBLE_DEVICES": "1"}).startswith("nvidia-a100-sxm4-40gb-40g-cc80-"))
        self.assertTrue(key([H100_SXM, a100], {"CUDA_VISIBLE_DEVICES": "GPU-bbbb"}).startswith("nvidia-a100-sxm4-40gb-40g-cc80-"))
        listing = "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-aaaa1111-0000)\n  MIG 1g.10gb     Device  0: (UUID: MIG-1111)\n"
        mig = fingerprint.collect(self.project, environ={}, run=fake_run([H100_SXM], listing=listing), use_torch=False)["classKey"]
        self.assertIn("-cc90-mig1g_10gb-", mig)
        self.edit_config(engine=dict(self.config["engine"], tensor_parallel_size=2))
        self.assertIn("-x2-tp2-", key([H100_SXM, a100]), "with tensor parallelism 2 the engine uses both")

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
        tp = self.config["engine"]["tensor_parallel_size"]
        self.assertIn(f"-sm132-x{tp}-tp{tp}-", fp["classKey"], "only the devices the engine uses are keyed")
        self.assertEqual(len(fp["soft"]["gpus"]), 2, "every GPU is recorded")
        self.assertEqual(fp["soft"]["cudaDriverApi"], "12.9")


if __name__ == "__main__":
    unittest.main()
