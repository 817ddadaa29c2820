const tasks = new Set<() => void>();

/**
 * Registers synchronous cleanup to run if the process is interrupted (Ctrl-C, SIGTERM) before the work finishes;
 * returns the function that unregisters it once the work is done.
 */
export function onInterrupt(task: () => void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

/** Runs every registered cleanup once; called by the CLI entry on a signal, best effort, never throwing. */
export function runInterruptCleanups(): void {
  for (const task of [...tasks]) {
    tasks.delete(task);
    try {
      task();
    } catch {
      // Best effort: a failing cleanup must not hide the interruption itself.
    }
  }
}
