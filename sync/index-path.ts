// Which paths git's index accepts. `update-index --index-info` skips any other path with a warning, so the tree editor
// (tree-edit.ts), which writes trees without an index, must skip the same ones to produce the same trees. Written by
// hand because git applies this rule only inside its index commands; it is git's rule under its defaults outside macOS
// (core.protectNTFS on, core.protectHFS off), and tests/sync/tree-edit.test.ts checks it against git itself.

const SYMLINK = 0o120000;

/** True when git's index would take `path` for an entry of `mode` (0 for a removal). */
export function indexAcceptsPath(path: string, mode: number): boolean {
  const link = (mode & 0o170000) === SYMLINK;
  // Where a name starts: the path's start, after each "/", and (for NTFS) after each "\".
  const badName = (at: number) => ntfsDotGit(path, at) || (link && ntfsDotGitmodules(path, at));
  let i = 0;
  for (;;) {
    // A component starts at i.
    if (badName(i)) return false;
    const c = path[i];
    if (c === '/') return false; // an empty component
    if (c === undefined) return (mode & 0o170000) === 0o040000; // an empty path, or a trailing "/" (a directory's)
    if (c === '.' && !dotNameOk(path, i + 1, link)) return false;
    for (i++; i < path.length && path[i] !== '/'; i++) if (path[i] === '\\' && badName(i + 1)) return false;
    if (i >= path.length) return true;
    i++;
  }
}

const end = (path: string, i: number) => i >= path.length || path[i] === '/';
const lower = (path: string, i: number, n: number) => path.slice(i, i + n).toLowerCase();

// After a leading ".": not "." or "..", not ".git" in any case, and for a symlink not ".gitmodules".
function dotNameOk(path: string, i: number, link: boolean): boolean {
  if (end(path, i)) return false;
  if (path[i] === '.' && end(path, i + 1)) return false;
  if (lower(path, i, 3) === 'git') {
    if (end(path, i + 3)) return false;
    if (link && lower(path, i + 3, 7) === 'modules' && end(path, i + 10)) return false;
  }
  return true;
}

// ".git" or its NTFS short name "git~1", then only spaces and periods (NTFS drops them) up to the end, a separator
// or an alternate data stream (":").
function ntfsDotGit(path: string, at: number): boolean {
  const head = lower(path, at, 5);
  let i: number;
  if (head.startsWith('.git')) i = at + 4;
  else if (head === 'git~1') i = at + 5;
  else return false;
  for (; ; i++) {
    const c = path[i];
    if (c === undefined || c === '\\' || c === '/' || c === ':') return true;
    if (c !== '.' && c !== ' ') return false;
  }
}

// ".gitmodules", its short names "gitmod~1".."gitmod~4", or a fall-back short name such as "gi7eba~1" (up to six
// characters of "gi7eba", "~", then digits, eight characters in all), then only spaces and periods up to the end
// of the path or a ":".
function ntfsDotGitmodules(path: string, at: number): boolean {
  const tail = (i: number): boolean => {
    for (; ; i++) {
      const c = path[i];
      if (c === undefined || c === ':') return true;
      if (c !== ' ' && c !== '.') return false;
    }
  };
  if (path[at] === '.' && lower(path, at + 1, 10) === 'gitmodules') return tail(at + 11);
  if (lower(path, at, 6) === 'gitmod' && path[at + 6] === '~' && /[1-4]/.test(path[at + 7] ?? '')) return tail(at + 8);
  let tilde = false;
  for (let i = 0; i < 8; i++) {
    const c = path[at + i];
    if (c === undefined) return false;
    if (tilde) {
      if (c < '0' || c > '9') return false;
    } else if (c === '~') {
      i++;
      const d = path[at + i];
      if (d === undefined || d < '1' || d > '9') return false;
      tilde = true;
    } else if (i >= 6 || c.charCodeAt(0) > 0x7f || c.toLowerCase() !== 'gi7eba'[i]) return false;
  }
  return tail(at + 8);
}
