import { readFileSync } from 'node:fs';
import { packageRoot } from './package-root.ts';

declare const __DETML_VERSION__: string | undefined;

/** The version of this package, inlined by the build and read from package.json when running from source. */
export const GENERATOR_VERSION: string =
  typeof __DETML_VERSION__ === 'string'
    ? __DETML_VERSION__
    : (JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string }).version;

/** The package name, as recorded in state files. */
export const GENERATOR_NAME = 'create-detml';
