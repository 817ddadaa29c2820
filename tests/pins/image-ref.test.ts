import { describe, expect, it } from 'vitest';
import { credentialsFromEnv, parseChallenge } from '../../src/pins/auth.ts';
import { formatImageRef, isLoopback, parseImageRef, registryBaseUrl } from '../../src/pins/image-ref.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it.each([
    ['node:20', { registry: 'docker.io', repository: 'library/node', tag: '20' }],
    [
      'nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04',
      { registry: 'docker.io', repository: 'nvidia/cuda', tag: '12.4.1-cudnn-runtime-ubuntu22.04' },
    ],
    [
      `vllm/vllm-openai:v0.21.0@${D}`,
      { registry: 'docker.io', repository: 'vllm/vllm-openai', tag: 'v0.21.0', digest: D },
    ],
    ['nvcr.io/nvidia/cuda:12.9.1-base', { registry: 'nvcr.io', repository: 'nvidia/cuda', tag: '12.9.1-base' }],
    ['127.0.0.1:5000/detml/test-image:v1', { registry: '127.0.0.1:5000', repository: 'detml/test-image', tag: 'v1' }],
    ['localhost/x', { registry: 'localhost', repository: 'x' }],
    [`index.docker.io/ubuntu@${D}`, { registry: 'docker.io', repository: 'library/ubuntu', digest: D }],
  ])('parses %s', (text, expected) => {
    expect(parseImageRef(text)).toEqual({ tag: undefined, digest: undefined, ...expected });
  });

  it('formats back to the familiar form', () => {
    expect(formatImageRef(parseImageRef(`node:20@${D}`))).toBe(`node:20@${D}`);
    expect(formatImageRef(parseImageRef(`node:20@${D}`), { digest: false })).toBe('node:20');
    expect(formatImageRef(parseImageRef('127.0.0.1:5000/a/b:c'))).toBe('127.0.0.1:5000/a/b:c');
  });

  it.each(['Node:20', 'node:', 'node@sha256:abc', 'a@b@c', ''])('refuses %j with one line that quotes it', (text) => {
    expect(() => parseImageRef(text)).toThrow(/^Invalid image reference/);
  });

  it('uses http only for loopback registries', () => {
    expect(registryBaseUrl('docker.io')).toBe('https://registry-1.docker.io');
    expect(registryBaseUrl('nvcr.io')).toBe('https://nvcr.io');
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('localhost:5000')).toBe('http://localhost:5000');
    expect(registryBaseUrl('docker.io', 'http://127.0.0.1:9/')).toBe('http://127.0.0.1:9');
    expect(() => registryBaseUrl('docker.io', 'http://mirror.example.com')).toThrow(/only allowed for 127.0.0.1/);
    expect(() => registryBaseUrl('docker.io', 'ftp://x')).toThrow(/use http/);
    expect([
      isLoopback('[::1]:5000'),
      isLoopback('127.1.2.3'),
      isLoopback('10.0.0.1'),
      isLoopback('localhost.evil.com'),
    ]).toEqual([true, true, false, false]);
  });
});

describe('registry auth helpers', () => {
  it('parses Docker Hub and Basic challenges', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/node:pull',
      },
    });
    expect(parseChallenge('Basic realm="detml-test"')).toEqual({ scheme: 'basic', params: { realm: 'detml-test' } });
    expect(parseChallenge(null)).toBeUndefined();
  });

  it('reads credentials from a prefix, both or neither', () => {
    expect(credentialsFromEnv('DETML_REGISTRY', {})).toBeUndefined();
    expect(credentialsFromEnv('NGC', { NGC_USER: '$oauthtoken', NGC_PASSWORD: 'k' })).toEqual({
      user: '$oauthtoken',
      password: 'k',
    });
    expect(() => credentialsFromEnv('X', { X_USER: 'u' })).toThrow('Set both X_USER and X_PASSWORD, or neither.');
    expect(() => credentialsFromEnv('bad-prefix', {})).toThrow(/not an environment variable prefix/);
  });
});
