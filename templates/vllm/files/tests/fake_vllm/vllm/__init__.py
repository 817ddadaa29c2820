"""A stand-in for vLLM's offline API (LLM, SamplingParams, RequestOutput) for CPU unit tests. Never in the image.

Generation is a pure function of (model, revision, dtype, prompt, sampling params incl. seed), so it behaves like
vLLM under the determinism settings. Switches (environment variables) simulate the failures the checks must catch:
  FAKE_VLLM_NONDETERMINISTIC=1  every call differs (like an unseeded or racy engine)
  FAKE_VLLM_BATCH_VARIANT=1     outputs depend on the batch size (like vLLM without batch invariance)
  FAKE_VLLM_FAIL_INIT=1         the engine fails to start
A request without a seed is random, as in vLLM.
"""
from __future__ import annotations

import hashlib
import json
import os
import random

__version__ = "0.0.0+fake"
VOCAB = (
    "the", "a", "keeper", "light", "sea", "bottle", "letter", "wave", "storm", "island", "sort", "merge", "list",
    "print", "press", "history", "number", "step", "and", "of", "to", "in", "is", "was", ".", ",", "\n",
)
EOS = len(VOCAB)
instances = []


class SamplingParams:
    def __init__(self, *, n=1, temperature=1.0, top_p=1.0, top_k=0, min_p=0.0, seed=None, max_tokens=16,
                 min_tokens=0, ignore_eos=False, stop=None, presence_penalty=0.0, frequency_penalty=0.0,
                 repetition_penalty=1.0, logprobs=None):
        if temperature < 0:
            raise ValueError("temperature must be non-negative")
        if not 0 < top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")
        if max_tokens is not None and max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self.n = n
        self.temperature = float(temperature)
        self.top_p = float(top_p)
        self.top_k = top_k
        self.min_p = min_p
        self.seed = seed
        self.max_tokens = max_tokens
        self.min_tokens = min_tokens
        self.ignore_eos = ignore_eos
        self.stop = stop
        self.presence_penalty = presence_penalty
        self.frequency_penalty = frequency_penalty
        self.repetition_penalty = repetition_penalty
        self.logprobs = logprobs

    def material(self):
        return {k: v for k, v in sorted(vars(self).items())}


class CompletionOutput:
    def __init__(self, index, text, token_ids, finish_reason):
        self.index = index
        self.text = text
        self.token_ids = tuple(token_ids)
        self.finish_reason = finish_reason
        self.cumulative_logprob = None
        self.logprobs = None


class RequestOutput:
    def __init__(self, request_id, prompt, prompt_token_ids, outputs):
        self.request_id = request_id
        self.prompt = prompt
        self.prompt_token_ids = prompt_token_ids
        self.outputs = outputs
        self.finished = True


class LLM:
    def __init__(self, model, *, tokenizer=None, revision=None, tokenizer_revision=None, seed=None, dtype="auto",
                 tensor_parallel_size=1, max_model_len=None, max_num_seqs=None, max_num_batched_tokens=None,
                 enable_chunked_prefill=None, enable_prefix_caching=None, enforce_eager=False,
                 gpu_memory_utilization=0.9, attention_config=None, **kwargs):
        if kwargs:
            raise TypeError(f"EngineArgs.__init__() got unexpected keyword arguments {sorted(kwargs)}")
        if os.environ.get("FAKE_VLLM_FAIL_INIT") == "1":
            raise RuntimeError("fake engine failed to start")
        if enable_chunked_prefill is False and max_num_batched_tokens is not None and max_model_len is not None \
                and max_num_batched_tokens < max_model_len:
            raise ValueError("max_num_batched_tokens must be >= max_model_len when chunked prefill is disabled")
        self.kwargs = {
            "model": model, "tokenizer": tokenizer, "revision": revision, "tokenizer_revision": tokenizer_revision,
            "seed": seed, "dtype": dtype, "tensor_parallel_size": tensor_parallel_size, "max_model_len": max_model_len,
            "max_num_seqs": max_num_seqs, "max_num_batched_tokens": max_num_batched_tokens,
            "enable_chunked_prefill": enable_chunked_prefill, "enable_prefix_caching": enable_prefix_caching,
            "enforce_eager": enforce_eager, "gpu_memory_utilization": gpu_memory_utilization,
            "attention_config": attention_config,
        }
        self.env = {k: v for k, v in os.environ.items() if k.startswith(("VLLM_", "PYTHONHASHSEED", "CUBLAS_"))}
        self.calls = []
        self._request = 0
        instances.append(self)

    def generate(self, prompts, sampling_params=None, *, use_tqdm=True, lora_request=None):
        if isinstance(prompts, str):
            prompts = [prompts]
        if sampling_params is None:
            sampling_params = SamplingParams()
        if isinstance(sampling_params, SamplingParams):
            sampling_params = [sampling_params] * len(prompts)
        if len(sampling_params) != len(prompts):
            raise ValueError("the lengths of prompts and sampling_params must be the same")
        self.calls.append(len(prompts))
        outputs = []
        for prompt, params in zip(prompts, sampling_params):
            token_ids, reason = self._generate(prompt, params, batch_size=len(prompts))
            text = "".join(VOCAB[t] if VOCAB[t] in ".,\n" else " " + VOCAB[t] for t in token_ids)
            prompt_ids = [b % EOS for b in prompt.encode("utf-8")][:64]
            outputs.append(RequestOutput(str(self._request), prompt, prompt_ids, [CompletionOutput(0, text, token_ids, reason)]))
            self._request += 1
        return outputs

    def _generate(self, prompt, params, batch_size):
        material = {"kwargs": {k: self.kwargs[k] for k in ("model", "revision", "dtype", "seed")},
                    "prompt": prompt, "params": params.material()}
        if os.environ.get("FAKE_VLLM_BATCH_VARIANT") == "1":
            material["batch_size"] = batch_size
        noise = os.environ.get("FAKE_VLLM_NONDETERMINISTIC") == "1" or params.seed is None
        if noise:
            material["noise"] = os.urandom(8).hex()
        digest = hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).digest()
        rng = random.Random(int.from_bytes(digest, "big"))
        token_ids = []
        for _ in range(params.max_tokens):
            token = rng.randrange(EOS + 1)
            if token == EOS and not params.ignore_eos and len(token_ids) >= params.min_tokens:
                return token_ids, "stop"
            token_ids.append(token % EOS)
        return token_ids, "length"

    def get_tokenizer(self):
        raise NotImplementedError("the fake engine has no tokenizer")
