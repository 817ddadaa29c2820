// dist/sync.cjs: `create-detml sync [options]`.
import { syncCommand } from '../../sync/command.ts';
import { mainOf } from '../main.ts';

/** The bundle's entry, called by src/entry.ts with the whole argv. */
export const main = mainOf((argv) => syncCommand(argv.slice(1)));
