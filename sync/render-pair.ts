import { UserError } from '../src/errors.ts';
import { pairImageDigestsFromTable } from '../src/pins/answer-digests.ts';
import type { DetmlState } from '../src/state/state-file.ts';
import { resolveAnswers, type Answers, type RawAnswers } from '../src/templates/answers.ts';
import { fileMoves, migrateAnswers, migrationsBetween } from '../src/templates/migrations.ts';
import type { ResolvedTemplate } from '../src/templates/registry.ts';
import { fileDigests } from '../src/templates/file-digests.ts';
import { renderTemplate, type RenderedTree } from '../src/templates/render.ts';

/** The two renders sync merges between, with the answers each used and what the migrations did. */
export interface RenderPair {
  old: RenderedTree;
  next: RenderedTree;
  nextAnswers: Answers;
  /** Paths the migrations move in the user's project before merging: old path -> new path. */
  moves: Map<string, string>;
  notes: string[];
}

/**
 * Re-renders the recorded version from the stored answers and generator version, and the target version from those
 * answers after the migrations between the two versions, the `--set` changes and the defaults of questions added
 * since, with `generatorVersion` (the create-detml version the new state records).
 */
export function renderPair(
  state: DetmlState,
  old: ResolvedTemplate,
  next: ResolvedTemplate,
  set: RawAnswers,
  generatorVersion: string,
): RenderPair {
  const oldAnswers = withContext('the recorded answers no longer fit the recorded template', () =>
    resolveAnswers(old.manifest, state.answers),
  );
  const migrations = migrationsBetween(next.manifest.migrations, old.manifest.version, next.manifest.version);
  const migrated = migrateAnswers(oldAnswers, migrations);
  const known = new Set(next.manifest.questions.map((q) => q.name));
  const notes = [...migrated.notes];
  const raw: RawAnswers = {};
  for (const [key, value] of Object.entries(migrated.answers)) {
    if (known.has(key)) raw[key] = value;
    else notes.push(`answer "${key}" is no longer used by ${next.manifest.id}@${next.manifest.version}`);
  }
  for (const q of next.manifest.questions) {
    if (!(q.name in raw) && !(q.name in set))
      notes.push(`new question "${q.name}" answered with its default ${JSON.stringify(q.default)}`);
  }
  // A changed image never keeps the recorded image's digest (src/pins/answer-digests.ts).
  const nextAnswers = resolveAnswers(next.manifest, { ...raw, ...pairImageDigestsFromTable(next.manifest, set, raw) });
  const pair = {
    old: renderTemplate(old.dir, oldAnswers, old.manifest, { generatorVersion: state.generator.version }),
    next: renderTemplate(next.dir, nextAnswers, next.manifest, { generatorVersion }),
    nextAnswers,
    moves: fileMoves(migrations),
    notes,
  };
  // A large binary the memo does not know yet is read once for all its digests: the merge needs the blob ids of
  // both renders, the new state file the sha256 of the new one.
  for (const [tree, kinds] of [
    [pair.old, ['blobId']],
    [pair.next, ['blobId', 'sha256']],
  ] as const)
    for (const f of tree) if ('source' in f) fileDigests(f.source, kinds);
  return pair;
}

function withContext<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UserError(`${what}: ${(error as Error).message.replace(/\n/g, '; ')}`);
  }
}
