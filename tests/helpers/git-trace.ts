// Reading what sync asked git: src/git.ts appends one JSON line per git call to the file DETML_GIT_TRACE names.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { tempDir } from './tmp.ts';

/** One traced git call: its arguments, the environment it was given and its standard input (base64). */
export interface TracedGitCall {
  args: string[];
  env: Record<string, string>;
  input: string;
}

/** The calls recorded in a trace file so far (none when nothing has called git yet). */
export function readGitTrace(file: string): TracedGitCall[] {
  return (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TracedGitCall);
}

/**
 * Traces the git calls of each test in the calling `describe` block into a fresh file (the variable is restored
 * after each): `calls()` reads them, `restart()` starts a new file mid-test.
 */
export function traceGitCalls(): { calls: () => TracedGitCall[]; restart: () => void } {
  let file = '';
  const saved = process.env.DETML_GIT_TRACE;
  const restart = () => {
    file = join(tempDir('detml-trace-'), 'trace.jsonl');
    process.env.DETML_GIT_TRACE = file;
  };
  beforeEach(restart);
  afterEach(() => {
    if (saved === undefined) delete process.env.DETML_GIT_TRACE;
    else process.env.DETML_GIT_TRACE = saved;
  });
  return { calls: () => readGitTrace(file), restart };
}

/** The git command a traced call ran, past any leading `-c name=value` options. */
export function gitCommand(c: { args: string[] }): string | undefined {
  let i = 0;
  while (c.args[i] === '-c') i += 2;
  return c.args[i];
}
