import { UserError } from '../errors.ts';

/** The registry host Docker uses for references without one (`nvidia/cuda:12.4.1-…`). */
export const DOCKER_HUB = 'docker.io';

/** A parsed image reference: `[host[:port]/]repository[:tag][@sha256:…]`, repository normalised for the API. */
export interface ImageRef {
  /** The registry as written (`docker.io` when the reference names none). */
  registry: string;
  /** The repository path the registry API uses (`library/node` for Docker Hub's official `node`). */
  repository: string;
  tag?: string | undefined;
  digest?: string | undefined;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** A sha256 digest as registries and Dockerfiles write it. */
export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Parses an image reference; a malformed one is a UserError that quotes it. */
export function parseImageRef(text: string): ImageRef {
  const bad = (why: string) => new UserError(`Invalid image reference "${text}": ${why}.`);
  const [name = '', digest, extra] = text.split('@');
  if (extra !== undefined) throw bad('more than one "@"');
  if (digest !== undefined && !DIGEST.test(digest)) throw bad('the digest must be sha256: and 64 lowercase hex digits');
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasHost ? first : DOCKER_HUB;
  let path = hasHost ? name.slice(slash + 1) : name;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`);
  }
  if (!path || !path.split('/').every((c) => COMPONENT.test(c)))
    throw bad('the repository must be lowercase path components');
  const repository =
    (registry === DOCKER_HUB || registry === 'index.docker.io') && !path.includes('/') ? `library/${path}` : path;
  return { registry: registry === 'index.docker.io' ? DOCKER_HUB : registry, repository, tag, digest };
}

/** The reference as people write it (`node:20`, not `docker.io/library/node:20`), with tag and digest if set. */
export function formatImageRef(
  ref: ImageRef,
  parts: { tag?: boolean; digest?: boolean } = { tag: true, digest: true },
): string {
  let name = ref.repository;
  if (ref.registry === DOCKER_HUB) name = name.replace(/^library\//, '');
  else name = `${ref.registry}/${name}`;
  if (parts.tag !== false && ref.tag) name += `:${ref.tag}`;
  if (parts.digest !== false && ref.digest) name += `@${ref.digest}`;
  return name;
}

/** True for hosts on this machine, the only ones create-detml talks to over plain http. */
export function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/**
 * The base URL of a registry's v2 API: Docker Hub's API host for docker.io, http for loopback hosts, https otherwise.
 * An explicit `override` (`--registry-url`) wins; http there is accepted for loopback hosts only.
 */
export function registryBaseUrl(registry: string, override?: string): string {
  if (override) {
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      throw new UserError(`--registry-url "${override}" is not a URL (e.g. https://registry.example.com).`);
    }
    if (url.protocol === 'http:' && !isLoopback(url.host)) {
      throw new UserError(`--registry-url ${override}: plain http is only allowed for 127.0.0.1/localhost; use https.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UserError(`--registry-url ${override}: use http(s).`);
    return url.origin;
  }
  if (registry === DOCKER_HUB) return 'https://registry-1.docker.io';
  return `${isLoopback(registry) ? 'http' : 'https'}://${registry}`;
}
