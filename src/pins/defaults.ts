/** A digest create-detml ships as a template default, with where it came from. */
export interface DefaultPin {
  /** The tag's digest as templates pin it (the multi-platform index where the tag has one). */
  indexDigest: string;
  /** The linux/amd64 platform manifest, where known. */
  amd64Digest?: string | undefined;
  /** When the digest was last confirmed for the tag (YYYY-MM-DD). */
  resolvedAt: string;
  source: string;
}

/**
 * The one table of default image digests, by `image:tag`. Template manifests repeat them as question defaults
 * (`cudaImage`/`cudaImageDigest`, `vllmImage`/`vllmImageDigest`) and Dockerfiles may hard-code some; a test asserts
 * both agree with this table. Refresh an entry with `create-detml pins resolve <image:tag>` and update the template
 * default in the same commit.
 */
export const DEFAULT_PINS: Readonly<Record<string, DefaultPin>> = {
  'nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04': {
    indexDigest: 'sha256:2fcc4280646484290cc50dce5e65f388dd04352b07cbe89a635703bd1f9aedb6',
    amd64Digest: 'sha256:0bb88834d973ca1b450fcc2a05333c6fe45510bee289912a5391274c351c4a4d',
    resolvedAt: '2024-12-08',
    source: 'Docker Hub, published in public files (docker manifest inspect -v, 2024-12-08); onnx template default',
  },
  'nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04': {
    indexDigest: 'sha256:85fb7ac694079fff1061a0140fd5b5a641997880e12112d92589c3bbb1e8b7ca',
    resolvedAt: '2026-11-24',
    source: 'Docker Hub, published in public files (used with --platform linux/amd64; index vs platform not stated); tfjs template default',
  },
  'vllm/vllm-openai:v0.21.0': {
    indexDigest: 'sha256:a230095847e93bd4df9888b33dab956fa9504537b828a23657d2b26fed57b5c9',
    amd64Digest: 'sha256:4ac9b7c6dabc3ec762c0edef4e9245abe98373844da91cc53ee42e5c58280c5b',
    resolvedAt: '2026-11-24',
    source: 'Docker Hub, published in public files (index digest probable; amd64 is the "selected amd64 manifest"); vllm template default',
  },
  'node:20.20.2-bookworm-slim': {
    indexDigest: 'sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0',
    resolvedAt: '2026-11-25',
    source: 'Docker Hub; hard-coded as the build stage of the onnx template Dockerfile',
  },
};

/** The shipped default for `image:tag`, if create-detml has one. */
export function defaultPin(tagged: string): DefaultPin | undefined {
  return DEFAULT_PINS[tagged];
}
