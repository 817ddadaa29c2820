// The only module that imports @clack/prompts: every interactive question goes through here, so tests have one seam.
import * as clack from '@clack/prompts';
import { CancelledError } from './errors.ts';

/** One choice in a select prompt. */
export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

function unwrap<T>(result: T | symbol): Exclude<T, symbol> {
  if (typeof result === 'symbol' || clack.isCancel(result)) {
    const error = new CancelledError();
    clack.cancel(error.message);
    throw new CancelledError(error.message, true);
  }
  return result as Exclude<T, symbol>;
}

/** Asks for free text; `validate` returns an error sentence or undefined. */
export async function askText(
  message: string,
  initial: string,
  validate?: (value: string) => string | undefined,
): Promise<string> {
  const value = await clack.text({
    message,
    initialValue: initial,
    defaultValue: initial,
    validate: validate ? (v) => validate(v ?? '') : undefined,
  });
  return unwrap(value);
}

/** Asks the user to pick one of several values. */
export async function askSelect<T extends string>(message: string, choices: Choice<T>[], initial: T): Promise<T> {
  const value = await clack.select<T>({
    message,
    initialValue: initial,
    options: choices.map((c) => ({ value: c.value, label: c.label, ...(c.hint ? { hint: c.hint } : {}) })) as never,
  });
  return unwrap(value);
}

/** Asks a yes/no question. */
export async function askConfirm(message: string, initial: boolean): Promise<boolean> {
  return unwrap(await clack.confirm({ message, initialValue: initial }));
}

/** Opens the interactive session with a title line. */
export function intro(title: string): void {
  clack.intro(title);
}

/** Closes the interactive session with a final line. */
export function outro(message: string): void {
  clack.outro(message);
}
