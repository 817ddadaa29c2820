// The CLI entry: the only place that calls process.exit, turning typed errors into one line and an exit code.
import { runCli } from './cli.ts';
import { runInterruptCleanups } from './cleanup.ts';
import { EXIT, UserError } from './errors.ts';
import { log } from './log.ts';

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    runInterruptCleanups();
    log.error(`Interrupted (${signal}); nothing was left half-written.`);
    process.exit(EXIT.cancelled);
  });
}

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  runInterruptCleanups();
  if (error instanceof UserError) {
    for (const line of error.message.split('\n')) log.error(line);
    process.exitCode = error.exitCode;
  } else {
    log.error(`create-detml crashed: ${(error as Error)?.stack ?? String(error)}`);
    log.error('This is a bug; please report it with the command you ran.');
    process.exitCode = EXIT.error;
  }
}
process.exit(process.exitCode ?? EXIT.ok);
