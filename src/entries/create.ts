// dist/create.cjs: `create-detml [dir] [options]`.
import { createCli } from '../create/command.ts';
import { mainOf } from '../main.ts';

/** The bundle's entry, called by src/entry.ts with the whole argv. */
export const main = mainOf(createCli);
