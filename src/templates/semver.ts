// Version precedence comes from the `semver` package (numeric prerelease fields, build metadata ignored); only the
// functions used are imported, so the bundles stay small.
import compare from 'semver/functions/compare.js';
import prerelease from 'semver/functions/prerelease.js';
import parse from 'semver/functions/parse.js';

/**
 * Compares two versions by full semver precedence (`rc.10` > `rc.9`, `+build` ignored). Versions come from untrusted
 * places (changelog headings, state files of other repositories), so an invalid one sorts below every valid one
 * instead of throwing.
 */
export function compareSemver(a: string, b: string): number {
  const [okA, okB] = [isSemver(a), isSemver(b)];
  if (okA && okB) return compare(a, b);
  if (okA !== okB) return okA ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when the text is a strict semver version: no `v` prefix, no surrounding space, no junk after it. */
export function isSemver(text: string): boolean {
  // semver's parser itself trims and accepts a leading "v"; a template or state version must be the plain form.
  return /^\d/.test(text) && !/\s/.test(text) && parse(text) !== null;
}

/** True for versions with a prerelease part (`2.0.0-rc.1`); those are only used when named explicitly. */
export function isPrerelease(version: string): boolean {
  return prerelease(version) !== null;
}

/**
 * The version a command goes to when none is named: the newest release. Prereleases never are the default target
 * (they are only used when named, e.g. `sync --to 2.0.0-rc.1`); undefined when there is no release.
 */
export function newestRelease(versions: readonly string[]): string | undefined {
  return versions.filter((v) => isSemver(v) && !isPrerelease(v)).sort(compareSemver).at(-1);
}
