import { describe, expect, it } from 'vitest';
import type { Listing } from '../../sync/git-objects.ts';
import type { Stage } from '../../sync/merge-trees.ts';
import { applyPolicy, type PolicyInput } from '../../sync/policy.ts';

const e = (oid: string, mode = '100644') => ({ mode, oid });
const listing = (entries: Record<string, string | undefined>): Listing =>
  new Map(
    Object.entries(entries)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, e(v as string)]),
  );

function decide(
  o: string | undefined,
  n: string | undefined,
  u: string | undefined,
  m: string | undefined,
  extra: Partial<PolicyInput> = {},
) {
  const result = applyPolicy({
    old: listing({ f: o }),
    next: listing({ f: n }),
    yours: listing({ f: u }),
    merged: listing({ f: m }),
    conflicts: new Map(),
    renames: new Map(),
    ownership: () => 'merged',
    lockfiles: new Map(),
    isBinary: () => false,
    ...extra,
  });
  return { status: result.plan[0]?.status, override: result.overrides.get('f'), conflicted: result.conflicts.has('f') };
}

const stages = (...s: [1 | 2 | 3, string][]): Stage[] => s.map(([stage, oid]) => ({ stage, oid, mode: '100644' }));

describe('applyPolicy', () => {
  it.each([
    // o, n, u, m -> status
    ['a', 'b', 'a', 'b', 'applied'],
    ['a', 'b', 'c', 'd', 'merged'],
    ['a', 'b', 'b', 'b', undefined],
    ['a', undefined, 'a', undefined, 'deleted'],
    [undefined, 'b', undefined, 'b', 'applied'],
    ['a', 'a', 'c', 'c', undefined],
  ] as const)('merged file o=%s n=%s u=%s m=%s -> %s', (o, n, u, m, status) => {
    expect(decide(o, n, u, m).status).toBe(status);
  });

  it('keeps the user’s deletion when the template changed the file', () => {
    expect(decide('a', 'b', undefined, 'b', { conflicts: new Map([['f', stages([1, 'a'], [3, 'b'])]]) })).toEqual({
      status: 'skipped',
      override: null,
      conflicted: false,
    });
  });

  it('keeps the user’s edit when the template deleted the file', () => {
    expect(decide('a', undefined, 'c', 'c', { conflicts: new Map([['f', stages([1, 'a'], [2, 'c'])]]) })).toEqual({
      status: 'kept',
      override: e('c'),
      conflicted: false,
    });
  });

  it('keeps the user’s binary when both changed it', () => {
    const r = decide('a', 'b', 'c', 'c', {
      conflicts: new Map([['f', stages([1, 'a'], [2, 'c'], [3, 'b'])]]),
      isBinary: (oid) => oid === 'b',
    });
    expect(r).toEqual({ status: 'kept', override: e('c'), conflicted: false });
  });

  it('leaves text conflicts to the user', () => {
    expect(decide('a', 'b', 'c', 'x', { conflicts: new Map([['f', stages([1, 'a'], [2, 'c'], [3, 'b'])]]) })).toEqual({
      status: 'conflicted',
      override: undefined,
      conflicted: true,
    });
  });

  it('owned files end as the new render, but an edited one the template removes is kept', () => {
    const owned = { ownership: () => 'owned' as const };
    expect(
      decide('a', 'b', 'c', 'x', { ...owned, conflicts: new Map([['f', stages([1, 'a'], [2, 'c'], [3, 'b'])]]) }),
    ).toEqual({ status: 'applied', override: e('b'), conflicted: false });
    expect(decide('a', undefined, 'c', 'c', owned)).toEqual({ status: 'kept', override: undefined, conflicted: false });
    expect(decide('a', undefined, 'a', undefined, owned)).toMatchObject({ status: 'deleted' });
    expect(decide('a', 'b', undefined, undefined, owned)).toMatchObject({ status: 'applied', override: e('b') });
  });

  it('seeded files stay the user’s, but new seeded files are written once', () => {
    const seeded = { ownership: () => 'seeded' as const };
    expect(decide('a', 'b', 'c', 'x', seeded)).toEqual({ status: 'skipped', override: e('c'), conflicted: false });
    expect(decide('a', 'b', undefined, 'b', seeded)).toEqual({ status: 'skipped', override: null, conflicted: false });
    expect(decide(undefined, 'b', undefined, 'b', seeded)).toMatchObject({ status: 'applied' });
  });

  it('lockfiles: the template’s when untouched and the manifest matches, else needs-relock', () => {
    const lock = { lockfiles: new Map([['f', 'm.json']]) };
    const userManifest = {
      ...lock,
      next: listing({ f: 'b', 'm.json': 'M' }),
      merged: listing({ f: 'b', 'm.json': 'user+M' }),
    };
    expect(decide('a', 'b', 'a', 'b', userManifest)).toMatchObject({ status: 'needs-relock' });
    const same = { ...lock, next: listing({ f: 'b', 'm.json': 'M' }), merged: listing({ f: 'b', 'm.json': 'M' }) };
    expect(decide('a', 'b', 'a', 'b', same)).toMatchObject({ status: 'applied' });
    expect(decide('a', 'b', 'c', 'x', lock)).toMatchObject({ status: 'needs-relock', override: e('c') });
  });
});
