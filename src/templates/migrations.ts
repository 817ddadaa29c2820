import type { RawAnswers } from './answers.ts';
import { compareSemver } from './semver.ts';

/** One typed migration step a template version ships, run when a project upgrades across that version. */
export type MigrationOp =
  | { op: 'renameAnswer'; from: string; to: string }
  | { op: 'changeDefault'; answer: string; from: string | number | boolean; to: string | number | boolean }
  | { op: 'moveFile'; from: string; to: string };

/** The migrations introduced by one template version. */
export interface Migration {
  version: string;
  ops: MigrationOp[];
}

/** Validates the `migrations` field of a manifest; returns an error sentence or the parsed list. */
export function parseMigrations(raw: unknown): Migration[] | string {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return '"migrations" must be an array';
  for (const [i, m] of raw.entries()) {
    if (typeof m?.version !== 'string' || !Array.isArray(m.ops)) return `migrations[${i}] needs "version" and "ops"`;
    for (const [j, op] of (m.ops as MigrationOp[]).entries()) {
      const ok =
        (op.op === 'renameAnswer' && typeof op.from === 'string' && typeof op.to === 'string') ||
        (op.op === 'moveFile' && typeof op.from === 'string' && typeof op.to === 'string') ||
        (op.op === 'changeDefault' && typeof op.answer === 'string' && op.from !== undefined && op.to !== undefined);
      if (!ok) return `migrations[${i}].ops[${j}] is not a valid renameAnswer, changeDefault or moveFile`;
    }
  }
  return raw as Migration[];
}

/** The migrations to run going from version `from` to `to` (exclusive, inclusive), oldest first. */
export function migrationsBetween(migrations: readonly Migration[], from: string, to: string): Migration[] {
  return migrations
    .filter((m) => compareSemver(m.version, from) > 0 && compareSemver(m.version, to) <= 0)
    .sort((a, b) => compareSemver(a.version, b.version));
}

/** Applies the answer migrations to stored answers, returning new answers and one note per change. */
export function migrateAnswers(answers: RawAnswers, migrations: readonly Migration[]): { answers: RawAnswers; notes: string[] } {
  const out: RawAnswers = { ...answers };
  const notes: string[] = [];
  for (const { version, ops } of migrations) {
    for (const op of ops) {
      if (op.op === 'renameAnswer' && op.from in out) {
        out[op.to] = out[op.from];
        delete out[op.from];
        notes.push(`${version}: answer "${op.from}" is now "${op.to}"`);
      } else if (op.op === 'changeDefault' && out[op.answer] === op.from) {
        out[op.answer] = op.to;
        notes.push(`${version}: "${op.answer}" followed the new default ${JSON.stringify(op.to)}`);
      }
    }
  }
  return { answers: out, notes };
}

/** The file moves the migrations ask for, composed in order: old path -> final path. */
export function fileMoves(migrations: readonly Migration[]): Map<string, string> {
  const moves = new Map<string, string>();
  for (const { ops } of migrations) {
    for (const op of ops) {
      if (op.op !== 'moveFile') continue;
      const source = [...moves].find(([, to]) => to === op.from)?.[0] ?? op.from;
      moves.set(source, op.to);
    }
  }
  return moves;
}
