import { defaultPin } from './defaults.ts';
import { MEDIA } from './registry-client.ts';
import type { ResolvedImage } from './resolve.ts';
import type { PinsUpdateResult } from './update.ts';

const KINDS: Record<string, string> = {
  [MEDIA.ociIndex]: 'OCI image index',
  [MEDIA.dockerList]: 'Docker manifest list',
  [MEDIA.ociManifest]: 'OCI manifest, single platform',
  [MEDIA.dockerManifest]: 'Docker manifest, single platform',
};

/** `pins resolve` as text: the digest to pin, each platform's manifest, and how it compares to the shipped default. */
export function formatResolved(r: ResolvedImage): string {
  const lines = [r.ref, `  digest       ${r.digest} (${KINDS[r.mediaType] ?? r.mediaType})`];
  for (const p of r.platforms) lines.push(`  ${p.platform.padEnd(12)} ${p.digest}`);
  if (r.kind === 'index' && !r.amd64Digest) lines.push('  (no linux/amd64 entry in the index)');
  lines.push(`  pin          FROM ${r.ref}@${r.digest}`);
  const known = defaultPin(r.ref.replace(/^docker\.io\//, ''));
  if (known) {
    const same = known.indexDigest === r.digest;
    lines.push(
      `  default      ${same ? 'matches' : `differs from`} create-detml's default${same ? '' : ` ${known.indexDigest}`} (resolved ${known.resolvedAt})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `pins update` / `--check` as text: each stale pin old -> new with its locations, then what was written. */
export function formatUpdate(result: PinsUpdateResult, check: boolean): string {
  const lines: string[] = [];
  for (const c of result.changes) {
    lines.push(`${c.image}: ${c.from ?? '(not pinned)'} -> ${c.to}`);
    lines.push(`  ${c.locations.map((l) => `${l.path}:${l.line} (${l.kind})`).join(', ')}`);
  }
  for (const s of result.skipped)
    lines.push(`${s.path}:${s.line}: ${s.text} has no tag, so it cannot be re-resolved (skipped)`);
  const n = result.resolved.length;
  if (result.changes.length === 0)
    lines.push(
      `All ${n} image${n === 1 ? ' is' : 's are'} pinned to the current digest of ${n === 1 ? 'its tag' : 'their tags'}.`,
    );
  else if (check)
    lines.push(
      `${result.changes.length} pin(s) differ from the registry; run create-detml pins update to rewrite them.`,
    );
  else
    lines.push(
      `Updated ${result.written.join(', ')}. Rebuild the image and re-check the goldens: a new digest can change the numbers.`,
    );
  return `${lines.join('\n')}\n`;
}
