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
  constructor(message = 'Cancelled; nothing was written.') {
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
