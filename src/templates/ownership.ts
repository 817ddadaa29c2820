import { matchesAny } from './glob.ts';
import type { Ownership, TemplateManifest } from './manifest.ts';

/** The ownership class of a rendered path: `owned` or `seeded` by the manifest's globs, `merged` otherwise. */
export function ownershipOf(path: string, manifest: Pick<TemplateManifest, 'ownership'>): Ownership {
  if (matchesAny(path, manifest.ownership.seeded)) return 'seeded';
  if (matchesAny(path, manifest.ownership.owned)) return 'owned';
  return 'merged';
}
