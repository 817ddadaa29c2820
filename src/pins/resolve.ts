import { UserError } from '../errors.ts';
import { credentialsFromEnv, DEFAULT_CREDENTIALS_ENV } from './auth.ts';
import { formatImageRef, parseImageRef, registryBaseUrl } from './image-ref.ts';
import { MEDIA, RegistryClient } from './registry-client.ts';

/** One platform entry of an image index. */
export interface PlatformDigest {
  platform: string;
  digest: string;
}

/** What a tag points at: the digest to pin (an index for multi-platform images) and the per-platform manifests. */
export interface ResolvedImage {
  /** The reference as written, without a digest. */
  ref: string;
  /** The tag's digest: what `FROM image:tag@digest` should pin. */
  digest: string;
  mediaType: string;
  kind: 'index' | 'manifest';
  platforms: PlatformDigest[];
  /** The linux/amd64 manifest (the index entry, or the manifest itself for a single-platform tag). */
  amd64Digest?: string | undefined;
}

/** How to reach registries: an API override (tests, mirrors) and the env prefix that holds credentials. */
export interface ResolveOptions {
  registryUrl?: string | undefined;
  credentialsEnv?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Also GET the index to list its platforms (one more request); default true. */
  platforms?: boolean;
}

/** Resolves `image:tag` to its digest through the registry API (HEAD with the full Accept list, then the index). */
export async function resolveImage(text: string, options: ResolveOptions = {}): Promise<ResolvedImage> {
  const ref = parseImageRef(text);
  if (!ref.tag)
    throw new UserError(
      `"${text}" has no tag; pins resolves tags (e.g. ${formatImageRef(ref, { digest: false })}:latest).`,
    );
  const prefix = options.credentialsEnv ?? DEFAULT_CREDENTIALS_ENV;
  const client = new RegistryClient({
    baseUrl: registryBaseUrl(ref.registry, options.registryUrl),
    credentials: credentialsFromEnv(prefix, options.env),
    credentialsHint: `${prefix}_USER and ${prefix}_PASSWORD`,
  });
  const head = await client.manifest(ref.repository, ref.tag, 'HEAD');
  const display = formatImageRef(ref, { digest: false });
  const isIndex = head.mediaType === MEDIA.ociIndex || head.mediaType === MEDIA.dockerList;
  if (!isIndex) {
    return {
      ref: display,
      digest: head.digest,
      mediaType: head.mediaType,
      kind: 'manifest',
      platforms: [],
      amd64Digest: undefined,
    };
  }
  if (options.platforms === false)
    return { ref: display, digest: head.digest, mediaType: head.mediaType, kind: 'index', platforms: [] };
  // Fetch the index by the digest just seen, so a tag moving between the two requests cannot mix two pushes.
  const index = await client.manifest(ref.repository, head.digest, 'GET');
  const platforms = indexPlatforms(index.body!, display);
  const amd64 = platforms.find((p) => p.platform === 'linux/amd64');
  return {
    ref: display,
    digest: head.digest,
    mediaType: head.mediaType,
    kind: 'index',
    platforms,
    amd64Digest: amd64?.digest,
  };
}

/** The platform entries of an OCI index or Docker manifest list (attestation entries are skipped). */
export function indexPlatforms(body: Buffer, display: string): PlatformDigest[] {
  let json: {
    manifests?: { digest?: unknown; platform?: { os?: unknown; architecture?: unknown; variant?: unknown } }[];
  };
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new UserError(`${display}: the registry returned an index that is not JSON.`);
  }
  const out: PlatformDigest[] = [];
  for (const m of json.manifests ?? []) {
    const p = m.platform;
    if (typeof m.digest !== 'string' || !p || typeof p.os !== 'string' || typeof p.architecture !== 'string') continue;
    if (p.os === 'unknown') continue; // BuildKit attestation manifests
    out.push({
      platform: [p.os, p.architecture, typeof p.variant === 'string' ? p.variant : ''].filter(Boolean).join('/'),
      digest: m.digest,
    });
  }
  return out;
}
