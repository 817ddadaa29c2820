/** Exit codes the CLI uses; scripts and CI depend on them, so they never change meaning. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  conflicts: 3,
  updateAvailable: 4,
  cancelled: 130,
} as const;

/** An expected failure the user can fix: printed as one line, no stack trace. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
  }
}

/** The user cancelled a prompt or pressed Ctrl-C; nothing was written. */
export class CancelledError extends UserError {
  override name = 'CancelledError';
  /** `shown`: the prompt library already printed the message, so the CLI must not print it a second time. */
  constructor(
    message = 'Cancelled; nothing was written.',
    readonly shown = false,
  ) {
    super(message, EXIT.cancelled);
  }
}

/** Several invalid inputs found at once, reported together so the user fixes them in one go. */
export class ValidationError extends UserError {
  override name = 'ValidationError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'), EXIT.usage);
  }
}

/** A bug in create-detml itself, not in the user's input. */
export class InternalError extends Error {
  override name = 'InternalError';
}

/**
 * Turns an operating-system error (Node's `code`/`syscall`/`path`) into one line saying what is wrong and how to fix
 * it; undefined for anything else, which stays a bug report. These are the user's environment, not our bugs.
 */
export function describeSystemError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string') return undefined;
  // A staging folder's name means nothing to the user: name the folder it was being made in.
  const where = e.path?.replace(/\/[^/]*\.detml-staging-.*$/, '');
  const path = where ? ` ${where}` : '';
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return `Permission denied (${where !== e.path ? `cannot write in${path}` : `${e.syscall ?? 'access'}${path}`}). Choose a folder you can write to, or fix its permissions.`;
    case 'EROFS':
      return `The file system is read-only (${e.syscall ?? 'write'}${path}). Choose a folder on a writable disk.`;
    case 'ENAMETOOLONG':
      return 'A file name is too long for the file system (at most 255 bytes per name). Choose a shorter project directory or name.';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The disk is full (or your quota is used up). Free some space and retry.';
    case 'ENOTDIR':
      return `A path component is a file, not a folder (${e.syscall ?? 'open'}${path}). Check the paths you passed.`;
    case 'ENOENT':
      if (e.syscall?.startsWith('spawn'))
        return `${e.path ?? 'A program'} is not installed or not on PATH. Install it and retry.`;
      return undefined;
    default:
      return undefined;
  }
}
