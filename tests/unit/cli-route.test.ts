import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLES, routeOf } from '../../src/cli.ts';
import { ROOT } from '../helpers/paths.ts';

describe('routing a command line to a bundle', () => {
  it('has one entry file in src/entries per bundle the CLI can route to', () => {
    expect(
      readdirSync(join(ROOT, 'src', 'entries'))
        .map((f) => f.replace(/\.ts$/, ''))
        .sort(),
    ).toEqual([...BUNDLES].sort());
  });

  it('sends subcommands, their own --help included, to their bundle', () => {
    expect(routeOf(['sync', '--help'])).toEqual({ kind: 'bundle', bundle: 'sync' });
    expect(routeOf(['fleet', 'plan'])).toEqual({ kind: 'bundle', bundle: 'fleet' });
    expect(routeOf(['verify', '-v'])).toEqual({ kind: 'bundle', bundle: 'verify' });
    expect(routeOf(['pins', 'resolve', 'node:20'])).toEqual({ kind: 'bundle', bundle: 'pins' });
  });

  it('answers top-level help and version without a bundle, and creates otherwise', () => {
    expect(routeOf(['--help'])).toEqual({ kind: 'help' });
    expect(routeOf(['my-app', '-h'])).toEqual({ kind: 'help' });
    expect(routeOf(['--version'])).toEqual({ kind: 'version' });
    expect(routeOf([])).toEqual({ kind: 'bundle', bundle: 'create' });
    // "create" is not a subcommand: it is the directory to create, as before bundles existed.
    expect(routeOf(['create', '--yes'])).toEqual({ kind: 'bundle', bundle: 'create' });
  });
});
