// Rendered paths come from template roots and answers, both untrusted: each must name a file inside the project.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

/**
 * Why a rendered project-relative path would leave the project or reach into its git folder, or undefined when it
 * is safe: absolute, empty, `.` or `..` segments, a backslash or NUL, or a first segment `.git` (hooks run code).
 */
export function unsafePathReason(path: string): string | undefined {
  if (path.startsWith('/')) return 'is absolute';
  if (/[\\\0]/.test(path)) return 'contains a backslash or NUL';
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  if (/^\.git$/i.test(segments[0] ?? '')) return "is inside the project's .git folder";
  return undefined;
}

/**
 * Refuses, before anything is written, to write a path whose folder or file in `target` is a symbolic link: the
 * write would land wherever the link points. Only needed where the target already holds files (`create --force`).
 */
export function refuseSymlinksOnPaths(target: string, paths: readonly string[]): void {
  for (const path of paths) {
    const segments = path.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      let link: boolean;
      try {
        link = lstatSync(join(target, prefix)).isSymbolicLink();
      } catch {
        break; // nothing there yet, so nothing below it either
      }
      if (link) throw new UserError(`Refusing to write ${path}: ${prefix} in ${target} is a symbolic link, and the file would be written wherever it points. Remove the link or choose another directory.`);
    }
  }
}
