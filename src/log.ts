import { styleText } from 'node:util';
import { visibleText } from './visible-text.ts';

type Style = Parameters<typeof styleText>[0];

/** Colours only when the stream is a terminal and NO_COLOR is unset, so logs and tests stay plain. */
function paint(style: Style, text: string, stream: NodeJS.WriteStream): string {
  return stream.isTTY && !process.env.NO_COLOR ? styleText(style, text) : text;
}

/**
 * Writes progress and results for humans; the core reports through this, never through console directly. Messages
 * quote untrusted names, so control characters are shown as escapes, never sent to the terminal.
 */
export const log = {
  info(message: string): void {
    process.stdout.write(`${visibleText(message)}\n`);
  },
  step(message: string): void {
    process.stdout.write(`${paint('cyan', '◇', process.stdout)} ${visibleText(message)}\n`);
  },
  success(message: string): void {
    process.stdout.write(`${paint('green', '✔', process.stdout)} ${visibleText(message)}\n`);
  },
  warn(message: string): void {
    process.stderr.write(`${paint('yellow', 'warning:', process.stderr)} ${visibleText(message)}\n`);
  },
  error(message: string): void {
    process.stderr.write(`${paint('red', 'error:', process.stderr)} ${visibleText(message)}\n`);
  },
  dim(text: string): string {
    return paint('dim', text, process.stdout);
  },
  bold(text: string): string {
    return paint('bold', text, process.stdout);
  },
};
