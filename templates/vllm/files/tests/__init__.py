"""Unit tests: standard library only, CPU only, with the fake vLLM/torch in tests/fake_vllm (python -m unittest)."""
