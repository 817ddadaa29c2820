import { describe, expect, it } from 'vitest';
import { EXIT, UserError } from '../../src/errors.ts';
import { globToRegExp, matchesAny } from '../../src/templates/glob.ts';
import { filterEntries } from '../../sync/fleet/sources.ts';

const repos = ['acme/svc-a', 'acme/api-b', 'acme/web', 'other/svc-z', 'Acme/.github'].map((s) => {
  const [owner, name] = s.split('/') as [string, string];
  return { owner, name };
});
const names = (list: readonly { owner: string; name: string }[]) => list.map((e) => `${e.owner}/${e.name}`);

describe('path globs (picomatch)', () => {
  it.each([
    ['[ab].txt', 'a.txt', true],
    ['[ab].txt', 'c.txt', false],
    ['src/{a,b}/*.ts', 'src/b/x.ts', true],
    ['*', '.env', true],
    ['**/.env', 'deep/er/.env', true],
    ['src/*', 'src/a/b', false],
    ['src/**', 'src/a/b', true],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file/.txt', false],
    ['a\\{b', 'a{b', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
    expect(matchesAny(path, ['never/**', glob])).toBe(expected);
  });

  it('an unclosed "{" is a clear error at once, not an endless loop', () => {
    for (const glob of ['a{b', 'acme/{svc-*', 'x{y,z']) {
      expect(() => globToRegExp(glob)).toThrow(UserError);
      expect(() => globToRegExp(glob)).toThrow(`"${glob}" is not a valid glob`);
    }
  });
});

describe('fleet --only / --exclude', () => {
  it('expands braces with globs inside them', () => {
    expect(names(filterEntries(repos, ['acme/{svc-*,api-*}'], []))).toEqual(['acme/svc-a', 'acme/api-b']);
    expect(names(filterEntries(repos, [], ['*/{svc,api}-?']))).toEqual(['acme/web', 'Acme/.github']);
  });

  it('is case-insensitive, matches dot names, and keeps * within one segment', () => {
    expect(names(filterEntries(repos, ['ACME/*'], ['acme/[sw]*']))).toEqual(['acme/api-b', 'Acme/.github']);
    expect(filterEntries(repos, ['acme*'], [])).toEqual([]);
  });

  it('names the flag and exits with the usage code for an invalid glob', () => {
    let caught: unknown;
    try {
      filterEntries(repos, ['acme/{svc-*'], []);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).message).toMatch(/^--only: "acme\/\{svc-\*" is not a valid glob/);
    expect((caught as UserError).exitCode).toBe(EXIT.usage);
  });
});
