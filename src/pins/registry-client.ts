import { createHash } from 'node:crypto';
import { UserError } from '../errors.ts';
import { basicHeader, parseChallenge, type Challenge, type Credentials } from './auth.ts';
import { isLoopback } from './image-ref.ts';

/** Media types of image indexes (multi-platform) and single-platform manifests. */
export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Every manifest type we understand; registries answer 404 for an OCI manifest when the Accept list lacks it. */
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');

/** One manifest as the registry served it. */
export interface ManifestResponse {
  digest: string;
  mediaType: string;
  body?: Buffer;
}

/** Where and how to talk to one registry. */
export interface RegistryClientOptions {
  /** API origin, e.g. https://registry-1.docker.io or http://127.0.0.1:5000. */
  baseUrl: string;
  credentials?: Credentials | undefined;
  /** Names the env variables that hold credentials, for error messages (never their values). */
  credentialsHint: string;
  timeoutMs?: number;
}

/** A minimal registry HTTP API v2 client: manifests only, with the Bearer-token and Basic auth flows. */
export class RegistryClient {
  private authorization: string | undefined;

  constructor(private readonly options: RegistryClientOptions) {}

  /** HEADs (digest and type only) or GETs (with body) a manifest by tag or digest. */
  async manifest(repository: string, reference: string, method: 'HEAD' | 'GET'): Promise<ManifestResponse> {
    const url = `${this.options.baseUrl}/v2/${repository}/manifests/${reference}`;
    let res = await this.send(url, method);
    if (res.status === 401) {
      this.authorization = await this.authorize(parseChallenge(res.headers.get('www-authenticate')), repository);
      res = await this.send(url, method);
      if (res.status === 401) {
        throw new UserError(
          `${this.host()}: authentication failed (401) for ${repository}; check ${this.options.credentialsHint}.`,
        );
      }
    }
    if (res.status === 404)
      throw new UserError(`${this.host()}/${repository}:${reference} not found (no such repository or tag).`);
    if (res.status === 403)
      throw new UserError(
        `${this.host()}: access to ${repository} denied (403); check ${this.options.credentialsHint}.`,
      );
    if (!res.ok)
      throw new UserError(
        `${this.host()}: ${method} manifest of ${repository}:${reference} failed with HTTP ${res.status}.`,
      );
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const headerDigest = res.headers.get('docker-content-digest') ?? undefined;
    if (method === 'HEAD') {
      if (!headerDigest) return this.manifest(repository, reference, 'GET');
      return { digest: headerDigest, mediaType };
    }
    const body = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (headerDigest && headerDigest !== digest) {
      throw new UserError(
        `${this.host()}: manifest ${repository}:${reference} has digest ${digest}, but the registry says ${headerDigest}.`,
      );
    }
    return { digest, mediaType, body };
  }

  private host(): string {
    return new URL(this.options.baseUrl).host;
  }

  private async send(url: string, method: string, authorization = this.authorization): Promise<Response> {
    const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT, 'User-Agent': 'create-detml' };
    if (authorization) headers.Authorization = authorization;
    try {
      return await fetch(url, {
        method,
        headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new UserError(`Cannot reach registry ${new URL(url).origin}: ${networkReason(error)}.`);
    }
  }

  private async authorize(challenge: Challenge | undefined, repository: string): Promise<string> {
    const creds = this.options.credentials;
    if (challenge?.scheme === 'basic') {
      if (!creds) throw new UserError(`${this.host()} requires credentials: set ${this.options.credentialsHint}.`);
      return basicHeader(creds);
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
      throw new UserError(`${this.host()} answered 401 without a Bearer or Basic challenge; cannot authenticate.`);
    }
    return `Bearer ${await this.token(challenge.params, repository)}`;
  }

  private async token(params: Record<string, string>, repository: string): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(params.realm!);
    } catch {
      throw new UserError(`${this.host()}: the token realm "${params.realm}" is not a URL.`);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopback(realm.host))) {
      throw new UserError(`${this.host()}: refusing the token realm ${realm.origin} (plain http outside 127.0.0.1).`);
    }
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${repository}:pull`);
    const res = await this.sendToken(realm.href);
    if (res.status === 401 || res.status === 403) {
      throw new UserError(
        `Token server ${realm.host} refused access to ${repository} (${res.status}); check ${this.options.credentialsHint}.`,
      );
    }
    if (!res.ok) throw new UserError(`Token server ${realm.host} failed with HTTP ${res.status}.`);
    const json = (await res.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
    const token = json.token ?? json.access_token;
    if (typeof token !== 'string' || token === '') throw new UserError(`Token server ${realm.host} returned no token.`);
    return token;
  }

  private async sendToken(url: string): Promise<Response> {
    const headers: Record<string, string> = { 'User-Agent': 'create-detml' };
    if (this.options.credentials) headers.Authorization = basicHeader(this.options.credentials);
    try {
      return await fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    } catch (error) {
      throw new UserError(`Cannot reach token server ${new URL(url).origin}: ${networkReason(error)}.`);
    }
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
