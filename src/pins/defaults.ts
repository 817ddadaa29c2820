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
  'nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04': {
    // Only the platform manifest is published where this was found; the onnx image is linux/amd64-only anyway.
    indexDigest: 'sha256:af851538a2bb05f587f27b660d61de3643d964e75ef5c04f4086ff2b36f2a12a',
    amd64Digest: 'sha256:af851538a2bb05f587f27b660d61de3643d964e75ef5c04f4086ff2b36f2a12a',
    resolvedAt: '2026-12-02',
    source:
      'Docker Hub, published in public files as the "verified linux/amd64 manifest" of the tag (not re-resolved: Docker Hub unreachable here); onnx template default (CUDA 13 + cuDNN 9 for onnxruntime-node 1.30.0)',
  },
  'nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04': {
    indexDigest: 'sha256:85fb7ac694079fff1061a0140fd5b5a641997880e12112d92589c3bbb1e8b7ca',
    resolvedAt: '2026-11-24',
    source:
      'Docker Hub, published in public files (used with --platform linux/amd64; index vs platform not stated); tfjs template default',
  },
  'vllm/vllm-openai:v0.21.0': {
    indexDigest: 'sha256:a230095847e93bd4df9888b33dab956fa9504537b828a23657d2b26fed57b5c9',
    amd64Digest: 'sha256:4ac9b7c6dabc3ec762c0edef4e9245abe98373844da91cc53ee42e5c58280c5b',
    resolvedAt: '2026-11-24',
    source:
      'Docker Hub, published in public files (index digest probable; amd64 is the "selected amd64 manifest"); vllm template default',
  },
};

/** The shipped default for `image:tag`, if create-detml has one. */
export function defaultPin(tagged: string): DefaultPin | undefined {
  return DEFAULT_PINS[tagged];
}
