// The process owner of every command bundle: the only place that calls process.exit, turning typed errors into
// one line and an exit code, and undoing half-done work on Ctrl-C or SIGTERM.
import { runInterruptCleanups } from './cleanup.ts';
import { CancelledError, describeSystemError, EXIT, UserError } from './errors.ts';
import { log } from './log.ts';

/** A command: parses its own argv, does the work, returns the exit code or throws a UserError. */
export type Command = (argv: readonly string[]) => Promise<number>;

/** Wraps a command as a bundle's `main`: runs it with signal handling and exits the process with its code. */
export function mainOf(command: Command): (argv: readonly string[]) => Promise<void> {
  return async (argv) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        // Each cleanup says what it left: nothing (staging removed), or a complete project whose install was stopped.
        const notes = runInterruptCleanups();
        log.error(`Interrupted (${signal})${notes.length ? `; ${notes.join(' ')}` : '.'}`);
        process.exit(EXIT.cancelled);
      });
    }
    try {
      process.exitCode = await command(argv);
    } catch (error) {
      runInterruptCleanups();
      const system = describeSystemError(error);
      if (error instanceof CancelledError && error.shown) {
        process.exitCode = error.exitCode;
      } else if (error instanceof UserError) {
        for (const line of error.message.split('\n')) log.error(line);
        process.exitCode = error.exitCode;
      } else if (system) {
        log.error(system);
        process.exitCode = EXIT.error;
      } else {
        log.error(`create-detml crashed: ${(error as Error)?.stack ?? String(error)}`);
        log.error('This is a bug; please report it with the command you ran.');
        process.exitCode = EXIT.error;
      }
    }
    process.exit(process.exitCode ?? EXIT.ok);
  };
}
