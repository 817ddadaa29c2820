/** Named validators a template's questions may use; each returns an error sentence or undefined. */
export const VALIDATORS = {
  'npm-package-name': (v: unknown) =>
    typeof v === 'string' && /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(v) && v.length <= 214 && !NPM_RESERVED.has(v)
      ? undefined
      : 'must be a valid npm package name: lower case letters, digits, ".", "_", "-" or "~", starting with a letter or digit, and not node_modules or favicon.ico',
  'python-module': (v: unknown) =>
    typeof v === 'string' && /^[a-z_][a-z0-9_]*$/.test(v) && !PYTHON_KEYWORDS.has(v)
      ? undefined
      : 'must be a valid Python module name: lower case letters, digits and "_", not starting with a digit, not a keyword',
  'sha256-digest': (v: unknown) =>
    typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v) ? undefined : 'must be "sha256:" followed by 64 lower-case hex digits',
  'image-name': (v: unknown) =>
    typeof v === 'string' && /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.test(stripRegistry(v))
      ? undefined
      : 'must be an image reference with a tag, like "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"',
  'git-revision': (v: unknown) =>
    typeof v === 'string' && /^[0-9a-f]{40}$/.test(v) ? undefined : 'must be a full 40-character lower-case hex commit id',
  'nonzero-int': (v: unknown) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v !== 0 ? undefined : 'must be a non-zero integer (frameworks treat seed 0 as "unseeded")',
  // The generated vllm project's load_config applies the same range (NumPy's seed is a uint32); one rule, both ends.
  'seed-uint32': (v: unknown) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 2 ** 32 - 1
      ? undefined
      : 'must be an integer from 1 to 4294967295 (2^32-1): vLLM seeds NumPy with it, which takes an unsigned 32-bit seed, and 0 means "unseeded"',
  'positive-int': (v: unknown) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? undefined : 'must be a positive integer',
  'runner-label': (v: unknown) =>
    typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*(?:,[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(v)
      ? undefined
      : 'must be a runner label, or several separated by commas without spaces (e.g. "self-hosted,linux,x64,gpu")',
  'hf-model-id': (v: unknown) =>
    typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)
      ? undefined
      : 'must be a Hugging Face model id like "owner/name"',
} as const satisfies Record<string, (v: unknown) => string | undefined>;

/** The name of a validator in VALIDATORS. */
export type ValidatorName = keyof typeof VALIDATORS;

// npm refuses these names (validate-npm-package-name's blacklist); a project named node_modules would also be ignored by tools.
const NPM_RESERVED = new Set(['node_modules', 'favicon.ico']);

const PYTHON_KEYWORDS = new Set(
  'false none true and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

// A registry host (with a dot or port) may carry upper case and a port; the rest of the reference may not.
function stripRegistry(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return /[.:]/.test(first) && ref.includes('/') && !first.includes('@') ? ref.slice(first.length + 1) : ref;
}
