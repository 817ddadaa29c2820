// The process owner of every command bundle: the only place that calls process.exit, turning typed errors into
// one line and an exit code, and undoing half-done work on Ctrl-C or SIGTERM.
import { runInterruptCleanups } from './cleanup.ts';
import { EXIT, UserError } from './errors.ts';
import { log } from './log.ts';
import { visibleText } from './visible-text.ts';

/** A command: parses its own argv, does the work, returns the exit code or throws a UserError. */
export type Command = (argv: readonly string[]) => Promise<number>;

/** Wraps a command as a bundle's `main`: runs it with signal handling and exits the process with its code. */
export function mainOf(command: Command): (argv: readonly string[]) => Promise<void> {
  return async (argv) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        runInterruptCleanups();
        log.error(`Interrupted (${signal}); nothing was left half-written.`);
        process.exit(EXIT.cancelled);
      });
    }
    try {
      process.exitCode = await command(argv);
    } catch (error) {
      runInterruptCleanups();
      if (error instanceof UserError) {
        // Messages quote file names, API answers and git output: no escape sequence reaches the terminal.
        for (const line of visibleText(error.message).split('\n')) log.error(line);
        process.exitCode = error.exitCode;
      } else {
        log.error(visibleText(`create-detml crashed: ${(error as Error)?.stack ?? String(error)}`));
        log.error('This is a bug; please report it with the command you ran.');
        process.exitCode = EXIT.error;
      }
    }
    // A pipe takes large output asynchronously: exiting before it drains would cut the report short.
    await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
    process.exit(process.exitCode ?? EXIT.ok);
  };
}
