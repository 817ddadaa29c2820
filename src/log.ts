import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colours only when the stream is a terminal and NO_COLOR is unset, so logs and tests stay plain. */
function paint(style: Style, text: string, stream: NodeJS.WriteStream): string {
  return stream.isTTY && !process.env.NO_COLOR ? styleText(style, text) : text;
}

/** Writes progress and results for humans; the core reports through this, never through console directly. */
export const log = {
  info(message: string): void {
    process.stdout.write(`${message}\n`);
  },
  step(message: string): void {
    process.stdout.write(`${paint('cyan', '◇', process.stdout)} ${message}\n`);
  },
  success(message: string): void {
    process.stdout.write(`${paint('green', '✔', process.stdout)} ${message}\n`);
  },
  warn(message: string): void {
    process.stderr.write(`${paint('yellow', 'warning:', process.stderr)} ${message}\n`);
  },
  error(message: string): void {
    process.stderr.write(`${paint('red', 'error:', process.stderr)} ${message}\n`);
  },
  dim(text: string): string {
    return paint('dim', text, process.stdout);
  },
  bold(text: string): string {
    return paint('bold', text, process.stdout);
  },
};
