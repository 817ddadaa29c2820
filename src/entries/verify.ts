// dist/verify.cjs: `create-detml verify [dir] [options]` (carries the TypeScript compiler for the framework rules).
import { mainOf } from '../main.ts';
import { verifyCommand } from '../verify/command.ts';

/** The bundle's entry, called by src/entry.ts with the whole argv. */
export const main = mainOf((argv) => verifyCommand(argv.slice(1)));
