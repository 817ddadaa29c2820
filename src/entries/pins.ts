// dist/pins.cjs: `create-detml pins resolve|update`.
import { mainOf } from '../main.ts';
import { pinsCommand } from '../pins/command.ts';

/** The bundle's entry, called by src/entry.ts with the whole argv. */
export const main = mainOf((argv) => pinsCommand(argv.slice(1)));
