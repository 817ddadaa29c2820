import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { styleText } from 'node:util';
import { CancelledError } from '../errors.ts';
import type { RenderedTree, StreamedFile } from '../templates/render.ts';
import { sameBytesAs } from './streamed-copy.ts';
import type { CollisionDecision } from './publish.ts';

/** How to settle files that already exist: ask per file (interactive) or overwrite each (`--force`). */
export interface CollisionOptions {
  target: string;
  files: RenderedTree;
  /** Paths decided without asking (the state file must describe the render, so it is always written). */
  alwaysWrite: readonly string[];
  interactive: boolean;
  out?: NodeJS.WriteStream;
}

type Colored = { message: string; color?: string };
type Question = { message: string; choices: ({ key: string; name: string; value: unknown } | object)[] };

/**
 * Runs yeoman's conflicter over every rendered file that already exists in the target: identical files are kept,
 * each collision is shown, and interactively the user answers yeoman's `y/n/a/d/x` (overwrite, keep, overwrite
 * all, show the diff, abort). Non-interactive runs get here only with --force and overwrite each collision.
 */
export async function decideCollisions(options: CollisionOptions): Promise<Map<string, CollisionDecision>> {
  const { Conflicter } = await import('@yeoman/conflicter');
  const out = options.out ?? process.stdout;
  const decisions = new Map<string, CollisionDecision>();
  const conflicter = new Conflicter(adapterFor(out, options.interactive) as never, {
    cwd: options.target,
    // Only y/n/a/d/x: the experimental reload/edit/ignore entries write a .yo-resolve file we do not read.
    customizeActions: (actions) =>
      actions.filter(
        (a) => typeof a === 'object' && a !== null && 'key' in a && ['y', 'n', 'a', 'd', 'x'].includes(String(a.key)),
      ),
  });
  for (const file of options.files) {
    const path = join(options.target, file.path);
    if (!existsSync(path)) continue;
    if (options.alwaysWrite.includes(file.path) && 'contents' in file) {
      const same = statSync(path).isFile() && readFileSync(path).equals(file.contents);
      out.write(`${same ? paint('cyan', 'identical', out) : paint('yellow', 'overwrite', out)} ${file.path}\n`);
      decisions.set(file.path, same ? 'keep' : 'write');
      continue;
    }
    let status: string | undefined;
    try {
      ({ conflicter: status } = await conflicter.checkForCollision(
        ('contents' in file ? { path, contents: Buffer.from(file.contents) } : streamedCollision(path, file)) as never,
      ));
    } catch (error) {
      if ((error as Error).message === 'Process aborted by user')
        throw new CancelledError('Aborted at a file collision; nothing was written.');
      throw error;
    }
    decisions.set(file.path, status === 'force' || status === 'create' ? 'write' : 'keep');
  }
  return decisions;
}

// The conflicter would read both files whole to compare them: a large binary is compared by streaming instead and
// handed over already settled. Its binary "diff" (a size table) reads only the new contents' length.
function streamedCollision(path: string, file: StreamedFile) {
  const same = sameBytesAs(path, file);
  return {
    path,
    binary: true,
    contents: { length: file.size },
    conflicter: same ? 'identical' : 'conflict',
    changesDetected: !same,
  };
}

/** A yeoman adapter on our terminal: log lines to `out`, and yeoman's expand prompt as a one-key text prompt. */
function adapterFor(out: NodeJS.WriteStream, interactive: boolean) {
  const line = (label: string, style: Parameters<typeof styleText>[0]) => (path: string) =>
    void out.write(`${paint(style, label, out)} ${path}\n`);
  const log = Object.assign(() => log, {
    writeln: (text = '') => void out.write(`${text}\n`),
    write: (text = '') => void out.write(text),
    colored: (parts: Colored[]) =>
      void out.write(
        parts
          .map((p) =>
            p.color === 'added'
              ? paint('green', p.message, out)
              : p.color === 'removed'
                ? paint('red', p.message, out)
                : p.message,
          )
          .join(''),
      ),
    conflict: line('conflict', 'red'),
    force: line('overwrite', 'yellow'),
    skip: line('keep', 'cyan'),
    identical: line('identical', 'cyan'),
    create: () => undefined,
    info: line('info', 'dim'),
    ok: line('ok', 'green'),
    error: line('error', 'red'),
  });
  const adapter = {
    log,
    async prompt([question]: Question[]) {
      // Without a terminal the run has --force (checked before): each collision is overwritten, like answering "y".
      if (!interactive) return { action: 'write' };
      const choices = question!.choices.filter((c): c is { key: string; name: string; value: unknown } => 'key' in c);
      const { askText } = await import('../prompts.ts');
      const keys = choices.map((c) => c.key).join('/');
      const help = choices.map((c) => `${c.key} ${c.name}`).join(', ');
      const answer = await askText(`${question!.message} [${keys}] (${help})`, '', (v) =>
        choices.some((c) => c.key === v.trim().toLowerCase()) ? undefined : `Answer one of ${keys}`,
      );
      return { action: choices.find((c) => c.key === answer.trim().toLowerCase())!.value };
    },
    async queue<T>(fn: (a: unknown) => Promise<T>): Promise<T> {
      return fn(adapter);
    },
  };
  return adapter;
}

function paint(style: Parameters<typeof styleText>[0], text: string, stream: NodeJS.WriteStream): string {
  return stream.isTTY && !process.env.NO_COLOR ? styleText(style, text) : text;
}
