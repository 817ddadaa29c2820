// Path globs come from template manifests, verify suppressions and fleet --only/--exclude: picomatch compiles them
// (braces, classes and extglobs included), so no pattern can hang the matcher. The POSIX build keeps `/` the only
// separator on every platform: template paths and owner/name slugs are never Windows paths.
import picomatch from 'picomatch/posix.js';
import { UserError } from '../errors.ts';

/** How a glob matches: `*` and `?` stay within one `/` segment, `**` spans any number, dotfiles are ordinary names. */
export interface GlobOptions {
  /** Case-insensitive, as GitHub treats owner/name. */
  nocase?: boolean;
}

/**
 * Compiles a path glob (`*`, `**`, `?`, `{a,b}`, `[ab]`) to an anchored regular expression over `/`-separated paths.
 * A glob that cannot compile (an unclosed `{`) is a UserError: matching nothing would silently drop every path.
 */
export function globToRegExp(glob: string, options: GlobOptions = {}): RegExp {
  try {
    // debug: picomatch otherwise answers a broken glob with a regular expression that matches nothing.
    return picomatch.makeRe(glob, { ...picoOptions(options), debug: true });
  } catch {
    throw new UserError(`"${glob}" is not a valid glob (an unclosed "{" or "("); write "\\{" to match the character itself.`);
  }
}

/** A predicate that is true when a path matches any of the globs (compiled once). */
export function globMatcher(globs: readonly string[], options: GlobOptions = {}): (path: string) => boolean {
  const res = globs.map((g) => globToRegExp(g, options));
  return (path) => res.some((re) => re.test(path));
}

/** True when the path matches any of the globs. */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => compiled(g).test(path));
}

/** Why a glob cannot compile, or undefined when it can (compiled once, into the cache matchesAny uses). */
export function globProblem(glob: string): string | undefined {
  try {
    compiled(glob);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// Rendering asks for every file of a template against the same few globs; compile each once per process.
const cache = new Map<string, RegExp>();
function compiled(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) cache.set(glob, (re = globToRegExp(glob)));
  return re;
}

function picoOptions(options: GlobOptions): picomatch.PicomatchOptions {
  return { dot: true, nocase: options.nocase === true, strictSlashes: true };
}
