import hashlib
import math
import unittest

from tests.support import module

canonical = module("detml.canonical")


class CanonicalTest(unittest.TestCase):
    def test_canonical_json_is_sorted_compact_utf8(self):
        self.assertEqual(canonical.canonical_json({"b": 1, "a": [1, "é"]}), '{"a":[1,"é"],"b":1}'.encode("utf-8"))
        self.assertEqual(canonical.canonical_json({"a": 1, "b": 2}), canonical.canonical_json({"b": 2, "a": 1}))

    def test_nan_is_refused(self):
        with self.assertRaises(ValueError):
            canonical.canonical_json({"x": math.nan})

    def test_output_hashes(self):
        hashes = canonical.output_hashes([1, 2, 3], "héllo")
        self.assertEqual(hashes["token_ids_sha256"], hashlib.sha256(b"[1,2,3]").hexdigest())
        self.assertEqual(hashes["text_sha256"], hashlib.sha256("héllo".encode("utf-8")).hexdigest())
        both = '{"text":"héllo","token_ids":[1,2,3]}'.encode("utf-8")
        self.assertEqual(hashes["sha256"], hashlib.sha256(both).hexdigest())
        self.assertNotEqual(hashes["sha256"], canonical.output_hashes([1, 2, 4], "héllo")["sha256"])
        self.assertNotEqual(hashes["sha256"], canonical.output_hashes([1, 2, 3], "hello")["sha256"])

    def test_tuples_and_lists_hash_alike(self):
        self.assertEqual(canonical.output_hashes((5, 6), "x"), canonical.output_hashes([5, 6], "x"))

    def test_pretty_json_is_stable(self):
        text = canonical.pretty_json({"b": {}, "a": 1})
        self.assertEqual(text, '{\n  "a": 1,\n  "b": {}\n}\n')


if __name__ == "__main__":
    unittest.main()
