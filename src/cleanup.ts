/** Undoes half-done work on a signal; returns what to tell the user about the state it left (or nothing). */
export type InterruptTask = () => string | undefined;

const tasks = new Set<InterruptTask>();

/**
 * Registers synchronous cleanup to run if the process is interrupted (Ctrl-C, SIGTERM) before the work finishes;
 * returns the function that unregisters it once the work is done.
 */
export function onInterrupt(task: InterruptTask): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

/**
 * Runs every registered cleanup once, newest first; called by the CLI entry on a signal or error, best effort, never
 * throwing. Returns the notes the tasks left for the user.
 */
export function runInterruptCleanups(): string[] {
  const notes: string[] = [];
  for (const task of [...tasks].reverse()) {
    tasks.delete(task);
    try {
      const note = task();
      if (note) notes.push(note);
    } catch {
      // Best effort: a failing cleanup must not hide the interruption itself.
    }
  }
  return notes;
}
