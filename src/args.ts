import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, UserError } from './errors.ts';

/** The option table of one command, in node:util parseArgs form. */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags strictly, with positionals allowed; an unknown or malformed flag becomes one usage line
 * naming the command's help.
 */
export function parseFlags<const O extends FlagSpec>(argv: readonly string[], options: O, command: string) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    // Node's message goes on about positionals after "--"; the first sentence is the useful part.
    const first = (error as Error).message.split('. ')[0]?.replace(/\.$/, '');
    throw new UserError(`${first}. Run ${command} --help for usage.`, EXIT.usage);
  }
}
