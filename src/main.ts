// The process owner of every command bundle: the only place that calls process.exit, turning typed errors into
// one line and an exit code, and undoing half-done work on Ctrl-C or SIGTERM.
import { runInterruptCleanups, runInterruptCleanupsPatiently } from './cleanup.ts';
import { CancelledError, describeSystemError, EXIT, UserError } from './errors.ts';
import { log } from './log.ts';
import { visibleText } from './visible-text.ts';

/** A command: parses its own argv, does the work, returns the exit code or throws a UserError. */
export type Command = (argv: readonly string[]) => Promise<number>;

/** Wraps a command as a bundle's `main`: runs it with signal handling and exits the process with its code. */
export function mainOf(command: Command): (argv: readonly string[]) => Promise<void> {
  return async (argv) => {
    // Once a signal arrived, the signal handler owns the exit: the command's own ending (often an error caused by
    // the cleanup, like git finding its folder gone) must neither print nor exit first.
    let interrupted: Promise<never> | undefined;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (interrupted) return;
        interrupted = new Promise<never>(() => {});
        void runInterruptCleanupsPatiently().then((notes) => {
          // Each cleanup says what it left: nothing (staging removed), or a complete project whose install was stopped.
          log.error(`Interrupted (${signal})${notes.length ? `; ${notes.join(' ')}` : '.'}`);
          process.exit(EXIT.cancelled);
        });
      });
    }
    try {
      process.exitCode = await command(argv);
    } catch (error) {
      if (interrupted) await interrupted;
      runInterruptCleanups();
      report(error);
    }
    if (interrupted) await interrupted;
    // A pipe takes large output asynchronously: exiting before it drains would cut the report short.
    await Promise.all(
      [process.stdout, process.stderr].map(
        (stream) => new Promise<void>((resolve) => stream.write('', () => resolve())),
      ),
    );
    process.exit(process.exitCode ?? EXIT.ok);
  };
}

// One line (or the crash report) for what ended the command, and its exit code.
function report(error: unknown): void {
  const system = describeSystemError(error);
  if (error instanceof CancelledError && error.shown) {
    process.exitCode = error.exitCode;
  } else if (error instanceof UserError) {
    // Messages quote file names, API answers and git output: no escape sequence reaches the terminal.
    for (const line of visibleText(error.message).split('\n')) log.error(line);
    process.exitCode = error.exitCode;
  } else if (system) {
    log.error(visibleText(system));
    process.exitCode = EXIT.error;
  } else {
    log.error(visibleText(`create-detml crashed: ${(error as Error)?.stack ?? String(error)}`));
    log.error('This is a bug; please report it with the command you ran.');
    process.exitCode = EXIT.error;
  }
}
