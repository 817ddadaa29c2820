// What may name a published create-detml package. A state file is untrusted input, and npm treats many strings as
// specs it builds locally (file:, git+…, tarball URLs, paths, ranges), running their lifecycle scripts; only an exact
// version, checked here before it reaches anything, can only mean one immutable registry tarball.
// Only the two functions used: semver's index loads (and initialises) every function and range module it has.
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';

/** True for an exact version such as 1.2.3 or 1.2.3-rc.1, exactly as semver prints it (no "v", ranges or build). */
export function isExactVersion(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && valid(value) === value;
}

/**
 * True for a dist-tag such as `latest` or `next`: letters, digits and dashes, never something npm would read as a
 * version range, a path, a URL or a tarball name.
 */
export function isDistTag(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(value) && validRange(value) === null;
}

/** True for an SRI sha512 string as npm's dist.integrity writes it (`sha512-` + 88 base64 characters). */
export function isSha512Integrity(value: unknown): value is string {
  return typeof value === 'string' && /^sha512-[A-Za-z0-9+/]{86}==$/.test(value);
}
