"""Canonical JSON and the hashes built on it: one byte string per value, so equal outputs hash equal everywhere."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys, no whitespace, no NaN/Infinity; the only form that is ever hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def sha256_json(value: Any) -> str:
    return sha256_hex(canonical_json(value))


def output_hashes(token_ids: Iterable[int], text: str) -> dict:
    """The three hashes stored for every generated completion: token ids, text, and both together."""
    ids = [int(t) for t in token_ids]
    return {
        "token_ids_sha256": sha256_json(ids),
        "text_sha256": sha256_hex(text),
        "sha256": sha256_json({"text": text, "token_ids": ids}),
    }


def pretty_json(value: Any) -> str:
    """The on-disk form of every JSON file detml writes (lock, goldens, fingerprints): stable and diff-friendly."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
