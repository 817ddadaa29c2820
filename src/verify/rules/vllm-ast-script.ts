/**
 * A standard-library Python script (run as `python3 -c`) that parses each file named in the JSON list on stdin with
 * `ast` and prints one JSON line per vLLM call problem: `LLM(...)` without a pinned `revision`, `SamplingParams(...)`
 * without `seed`. Only vLLM's names count: `from vllm import LLM` (aliases and `*` too) or any `<x>.LLM(...)` attribute
 * call; a class or function of the same name defined in the file (a test fake) is not vLLM's. `**kwargs` that cannot
 * be seen into are given the benefit of the doubt.
 */
export const VLLM_AST_SCRIPT = String.raw`
import ast, json, re, sys

TARGETS = ("LLM", "SamplingParams")
HEX40 = re.compile(r"^[0-9a-f]{40}$")


def vllm_names(tree):
    names, star, defined = {}, False, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "vllm":
            for alias in node.names:
                if alias.name == "*":
                    star = True
                elif alias.name in TARGETS:
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            defined.add(node.name)
    if star:
        for name in TARGETS:
            if name not in defined:
                names.setdefault(name, name)
    return names


def target(call, names):
    func = call.func
    if isinstance(func, ast.Name):
        return names.get(func.id)
    if isinstance(func, ast.Attribute) and func.attr in TARGETS:
        return func.attr
    return None


def keyword(call, name):
    """The value node of keyword name; "unknown" when **kwargs or *args may carry it; None when surely absent."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if any(isinstance(a, ast.Starred) for a in call.args):
        return "unknown"
    for kw in call.keywords:
        if kw.arg is None:
            if not isinstance(kw.value, ast.Dict):
                return "unknown"
            for key, value in zip(kw.value.keys, kw.value.values):
                if key is None:
                    return "unknown"
                if isinstance(key, ast.Constant) and key.value == name:
                    return value
    return None


def problems(call, kind):
    if kind == "LLM":
        value = keyword(call, "revision")
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return "LLM(...) has no revision; pass revision=<40-hex model commit> (and tokenizer_revision)"
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and not HEX40.match(value.value):
            return "LLM(...) has revision=%r, a branch or tag; pass the 40-hex commit" % value.value
    else:
        value = keyword(call, "seed")
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return "SamplingParams(...) has no seed; pass seed=<project seed> on every request"
    return None


for path in json.load(sys.stdin):
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), path)
    except SyntaxError as error:
        print(json.dumps({"path": path, "line": error.lineno or 1, "col": error.offset or 1, "kind": "syntax", "message": "cannot be parsed: %s" % error.msg}))
        continue
    names = vllm_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            kind = target(node, names)
            message = kind and problems(node, kind)
            if message:
                print(json.dumps({"path": path, "line": node.lineno, "col": node.col_offset + 1, "kind": kind, "message": message}))
`;
