// The two git commands every sync starts with, in the folder it runs in: the status of tracked files and one look at
// the repository (preconditions.ts). Kept apart, importing nothing, so the entry can start both while the sync
// bundle is still loading (src/entry.ts), and the sync takes them over when it asks (runGit in src/git.ts).

/** sync's journal in the git folder: what a `--local` run is about to write (journal.ts). */
export const JOURNAL = 'detml-sync-journal.json';

/** The status of tracked files: a dirty one stops a sync. It also refreshes the index's file times. */
export const STATUS: readonly string[] = ['status', '--porcelain=v1', '-z', '--untracked-files=no'];

/** Where the project sits (work tree? prefix, root), the index and journal paths, and HEAD: one rev-parse. */
export const PROBE: readonly string[] = [
  'rev-parse',
  '--is-inside-work-tree',
  '--show-prefix',
  '--show-toplevel',
  '--git-path',
  'index',
  '--git-path',
  JOURNAL,
  'HEAD',
  'HEAD^{tree}',
  '--symbolic-full-name',
  'HEAD',
];

/** Every command a sync starts with, in the order the entry starts them. */
export const FIRST_GIT: readonly (readonly string[])[] = [STATUS, PROBE];
