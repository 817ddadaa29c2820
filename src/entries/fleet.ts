// dist/fleet.cjs: `create-detml fleet plan|sync|status`.
import { fleetCommand } from '../../sync/fleet/command.ts';
import { mainOf } from '../main.ts';

/** The bundle's entry, called by src/entry.ts with the whole argv. */
export const main = mainOf((argv) => fleetCommand(argv.slice(1)));
