import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A program running in a real pseudo-terminal under a private tmux server, driven by keystrokes. */
export interface Terminal {
  /** Waits until the screen shows the text (or matches the pattern), returning the screen. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Sends tmux key names or literal text. */
  keys(...keys: string[]): void;
  type(text: string): void;
  /** Waits for the program to exit and returns its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  screen(): string;
}

/** Starts `command` (run by sh) in a fresh tmux server with the given env; the server is killed after the test. */
export function startTerminal(
  command: string,
  cwd: string,
  env: Record<string, string | undefined>,
  scratch: string,
): Terminal {
  const socket = `detml-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const exitFile = join(scratch, `${socket}.exit`);
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    });
  const unset = Object.entries(env)
    .filter(([, v]) => v === undefined)
    .map(([k]) => `-u ${k}`)
    .join(' ');
  tmux(
    'new-session',
    '-d',
    '-x',
    '120',
    '-y',
    '40',
    '-c',
    cwd,
    `env ${unset} ${command}; echo $? > ${exitFile}; sleep 30`,
  );
  onTestFinished(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });
  const screen = () => tmux('capture-pane', '-p');
  return {
    screen,
    keys: (...keys) => void tmux('send-keys', ...keys),
    type: (text) => void tmux('send-keys', '-l', text),
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`Terminal never showed ${String(text)}; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async exitCode(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!existsSync(exitFile) || readFileSync(exitFile, 'utf8').trim() === '') {
        if (Date.now() > deadline) throw new Error(`Program did not exit; screen:\n${screen()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return Number(readFileSync(exitFile, 'utf8').trim());
    },
  };
}
