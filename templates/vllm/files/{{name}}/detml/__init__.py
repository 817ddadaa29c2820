"""detml runtime for vLLM: determinism environment guard, model lock, fingerprint, goldens, self-consistency.

Owned by create-detml: `create-detml sync` replaces this folder with the template's version.
Only env, config, canonical, lockfile, gpus, fingerprint, golden, golden_compare and pins are imported before the
environment is in place, and they use the standard library only; engine imports vLLM.
"""
