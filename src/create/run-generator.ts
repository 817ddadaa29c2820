import { Writable } from 'node:stream';
import { describeSystemError, UserError } from '../errors.ts';
import type { DetmlGeneratorOptions } from './generator.ts';

/** What to write and where; `force` lets the conflicter overwrite files that already exist with other contents. */
export interface RunGeneratorOptions {
  destination: string;
  files: DetmlGeneratorOptions['files'];
  stateFile: DetmlGeneratorOptions['stateFile'];
  sha256: DetmlGeneratorOptions['sha256'];
  force: boolean;
}

/**
 * Runs the detml generator in yeoman's base environment (queue, mem-fs, conflicter, commit) without `yo`: the full
 * environment only adds the yo CLI and generator installs, and the bundle carries the base alone
 * (scripts/bundle-swaps.mjs). Yeoman is imported here, lazily, because only `create` needs it. Its console output
 * is swallowed: the CLI prints its own summary.
 */
export async function runGenerator(options: RunGeneratorOptions): Promise<void> {
  const [{ EnvironmentBase }, { DetmlGenerator }] = await Promise.all([
    import('yeoman-environment'),
    import('./generator.ts'),
  ]);
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const env = new EnvironmentBase({
    cwd: options.destination,
    skipInstall: true,
    force: options.force,
    stdout: sink as NodeJS.WriteStream,
    stderr: sink as NodeJS.WriteStream,
    stdin: undefined,
  } as never);
  const generator = await env.instantiate(DetmlGenerator as never, {
    generatorArgs: [],
    generatorOptions: {
      files: options.files,
      stateFile: options.stateFile,
      sha256: options.sha256,
      skipInstall: true,
      force: options.force,
    } as never,
  });
  try {
    await env.runGenerator(generator as never);
  } catch (error) {
    // Environment errors (full disk, permissions) keep their code, so the CLI says how to fix them.
    if (describeSystemError(error)) throw error;
    throw new UserError(`Writing the project failed: ${(error as Error).message}`);
  }
}
