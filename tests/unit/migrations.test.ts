import { describe, expect, it } from 'vitest';
import {
  fileMoves,
  migrateAnswers,
  migrationsBetween,
  parseMigrations,
  type Migration,
} from '../../src/templates/migrations.ts';

const migrations: Migration[] = [
  { version: '1.3.0', ops: [{ op: 'moveFile', from: 'b.txt', to: 'c.txt' }] },
  {
    version: '1.1.0',
    ops: [
      { op: 'renameAnswer', from: 'gpus', to: 'gpuCount' },
      { op: 'moveFile', from: 'a.txt', to: 'b.txt' },
    ],
  },
  { version: '1.2.0', ops: [{ op: 'changeDefault', answer: 'threads', from: 1, to: 2 }] },
];

describe('migrations', () => {
  it('selects the versions after the old one up to the new one, oldest first', () => {
    expect(migrationsBetween(migrations, '1.0.0', '1.2.0').map((m) => m.version)).toEqual(['1.1.0', '1.2.0']);
    expect(migrationsBetween(migrations, '1.1.0', '1.3.0').map((m) => m.version)).toEqual(['1.2.0', '1.3.0']);
  });

  it('renames answers and follows changed defaults only when the user kept the old default', () => {
    const all = migrationsBetween(migrations, '1.0.0', '1.3.0');
    expect(migrateAnswers({ gpus: 2, threads: 1 }, all)).toEqual({
      answers: { gpuCount: 2, threads: 2 },
      notes: ['1.1.0: answer "gpus" is now "gpuCount"', '1.2.0: "threads" followed the new default 2'],
    });
    expect(migrateAnswers({ threads: 4 }, all).answers).toEqual({ threads: 4 });
  });

  it('composes file moves across versions', () => {
    expect([...fileMoves(migrationsBetween(migrations, '1.0.0', '1.3.0'))]).toEqual([['a.txt', 'c.txt']]);
  });

  it('rejects malformed migrations', () => {
    expect(parseMigrations([{ version: '1.0.0', ops: [{ op: 'explode' }] }])).toMatch(/not a valid renameAnswer/);
    expect(parseMigrations('x')).toMatch(/must be an array/);
  });
});
