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
 * Runs every registered cleanup once, newest first, best effort and never throwing; called on an error, when the
 * work has stopped. Returns the notes the tasks left for the user.
 */
export function runInterruptCleanups(): string[] {
  const notes: string[] = [];
  for (const task of [...tasks].reverse()) {
    tasks.delete(task);
    const note = attempt(task);
    if (typeof note === 'string') notes.push(note);
  }
  return notes;
}

/**
 * Runs every cleanup on a signal, when the work may still be running: a child the signal did not reach (git writing
 * objects into the staging folder) can make a removal fail, so a failing task is retried until it succeeds or
 * `patienceMs` has passed.
 */
export async function runInterruptCleanupsPatiently(patienceMs = 5_000): Promise<string[]> {
  const notes: string[] = [];
  const deadline = Date.now() + patienceMs;
  for (const task of [...tasks].reverse()) {
    tasks.delete(task);
    for (;;) {
      const note = attempt(task);
      if (note !== FAILED) {
        if (note) notes.push(note);
        break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return notes;
}

const FAILED = Symbol('failed');

function attempt(task: InterruptTask): string | undefined | typeof FAILED {
  try {
    return task();
  } catch {
    return FAILED; // best effort: a failing cleanup must not hide the interruption itself
  }
}
