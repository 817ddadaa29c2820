import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../src/errors.ts';
import { GitError, runGit } from '../src/git-process.ts';
import { buildState, readState, serializeState, STATE_PATH } from '../src/state/state-file.ts';
import type { RawAnswers } from '../src/templates/answers.ts';
import { ownershipOf } from '../src/templates/ownership.ts';
import type { TemplateSource } from '../src/templates/registry.ts';
import { compareSemver } from '../src/templates/semver.ts';
import { thisGenerator } from '../src/create/own-integrity.ts';
import { GENERATOR_NAME } from '../src/version.ts';
import { applyToWorkTree, commitToBranch } from './apply.ts';
import type { ObjectStore } from './git-objects.ts';
import { finishInterrupted } from './journal.ts';
import { checkNoLoss } from './no-loss.ts';
import type { PlanEntry } from './policy.ts';
import { syncTrailer } from './pr-marker.ts';
import { checkRepository, probeRepository, refuseOldGit } from './preconditions.ts';
import { renderPair } from './render-pair.ts';
import { createScratch, removeStaleScratch } from './scratch.ts';
import {
  rendersWithoutDownload,
  resolveRecordedTemplate,
  resolveTargetTemplate,
  type SourcedTemplate,
} from './template-source.ts';
import { threeWayMerge } from './three-way.ts';
import { closeTreeReader, shareTreeReader } from './tree-reader.ts';

/** How sync delivers its result. */
export type SyncMode = 'dry-run' | 'local' | 'branch';

/** Options of `runSync`; `cwd` is the project folder (the one holding .detml/state.json). */
export interface SyncOptions {
  cwd: string;
  mode: SyncMode;
  to?: string | undefined;
  set?: RawAnswers;
  source?: TemplateSource;
  onProgress?: (message: string) => void;
}

/** The outcome of a sync, for printing and for the pull-request flow. */
export interface SyncResult {
  status: 'up-to-date' | 'clean' | 'conflicts';
  template: string;
  from: string;
  to: string;
  mode: SyncMode;
  plan: PlanEntry[];
  notes: string[];
  branch?: string;
  commit?: string;
  base?: string;
}

/**
 * Updates a project to a newer template version (or new answers): preconditions → old and new renders → git's
 * three-way merge against HEAD → ownership policy → deliver (plan only, work tree, or a commit on a sync branch).
 */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  return (await syncWithTarget(options)).result;
}

/**
 * runSync, also handing back the target template it resolved, so callers read it (changelog) without resolving again;
 * none when the run only finished an interrupted `--local` one.
 */
export async function syncWithTarget(options: SyncOptions): Promise<{ result: SyncResult; next?: SourcedTemplate }> {
  try {
    return await syncSteps(options);
  } catch (error) {
    // git's version is asked only now: an old git fails on the first command it lacks, before anything is applied.
    if (error instanceof GitError) await refuseOldGit(options.cwd);
    throw error;
  }
}

async function syncSteps(options: SyncOptions): Promise<{ result: SyncResult; next?: SourcedTemplate }> {
  const progress = options.onProgress ?? (() => {});
  const source = options.source ?? {};

  // 0. A run killed outright left its scratch folder, and a --local one killed while writing the work tree left a
  //    journal: remove the one, finish that run from the other, and report it.
  removeStaleScratch();
  const layout = await probeRepository(options.cwd);
  const finished = (await finishInterrupted(options.cwd, options.mode === 'local', layout)) as SyncResult | undefined;
  if (finished)
    return {
      result: {
        ...finished,
        notes: [...finished.notes, 'finished a sync --local that was interrupted; review and commit it'],
      },
    };

  // 1. Preconditions: each failure is one line, and nothing has been changed yet. git checks the repository while
  //    the templates are read and rendered (work that writes nothing), and a failed check is reported before any
  //    error of theirs; a template that must be downloaded waits for the check, so a refused run downloads nothing.
  const checking = checkRepository(options.cwd, layout);
  checking.catch(() => {}); // awaited below
  const { state, old, next, pair } = await (async () => {
    const state = readState(options.cwd);
    const { id } = state.template;
    if (!rendersWithoutDownload(id, state.template.version, source)) await checking;
    const old = await resolveRecordedTemplate(id, state.template.version, state.generator, source);
    const next = await resolveTargetTemplate(id, options.to, source);
    if (compareSemver(next.manifest.version, old.manifest.version) < 0) {
      throw new UserError(
        `Cannot downgrade ${id} from ${old.manifest.version} to ${next.manifest.version}; sync only moves forward.`,
      );
    }
    // 2. Render both versions; same version and same answers means there is nothing to do.
    return { state, old, next, pair: renderPair(state, old, next, options.set ?? {}, next.generatorVersion) };
  })().catch(async (error: unknown) => {
    await checking;
    throw error;
  });
  const repo = await checking;
  const { id } = state.template;
  const summary = {
    template: id,
    from: old.manifest.version,
    to: next.manifest.version,
    mode: options.mode,
    notes: pair.notes,
  };
  if (old.manifest.version === next.manifest.version && isDeepStrictEqual(pair.nextAnswers, state.answers)) {
    return { result: { ...summary, status: 'up-to-date', plan: [] }, next };
  }
  progress(`Merging ${id} ${old.manifest.version} -> ${next.manifest.version} into your project`);

  // 3. Merge in the object database; the new state file records the new version and pristine render.
  const newState = buildState(
    {
      // The package whose templates rendered the new version is the one the next sync re-renders from.
      generator: next.generator ? { name: GENERATOR_NAME, ...next.generator } : thisGenerator(),
      template: { id, version: next.manifest.version },
      answers: pair.nextAnswers,
      ...(state.fleet ? { fleet: state.fleet } : {}),
    },
    pair.next,
    (path) => ownershipOf(path, next.manifest),
  );
  const root = resolve(
    options.cwd,
    ...repo.prefix
      .split('/')
      .filter(Boolean)
      .map(() => '..'),
  );
  const scratch = createScratch();
  let store: ObjectStore | undefined;
  try {
    // Every object-level git call runs at the repository's top: git prints some paths relative to the folder it
    // runs in (merge-tree's conflicts), and the merge works on repository paths. Trees are read through one git
    // process for the whole merge and check.
    store = await objectStore(root, options.mode, scratch.path);
    shareTreeReader(store);
    const merged = await threeWayMerge({
      store,
      prefix: repo.prefix,
      headTree: repo.headTree,
      old: pair.old,
      next: pair.next,
      moves: pair.moves,
      ownership: (path) => (newState.files[path] ?? state.files[path])?.ownership ?? ownershipOf(path, next.manifest),
      lockfiles: new Map(Object.entries(next.manifest.lockfiles)),
      labels: { yours: 'your HEAD', old: `${id}@${old.manifest.version}`, next: `${id}@${next.manifest.version}` },
      extra: new Map([[STATE_PATH, Buffer.from(serializeState(newState))]]),
    });
    const result: SyncResult = { ...summary, status: merged.conflicts.size ? 'conflicts' : 'clean', plan: merged.plan };

    // 4. The promise, checked on the finished tree before anything is applied.
    await checkNoLoss({
      store,
      headTree: repo.headTree,
      tree: merged.tree,
      old: merged.old,
      next: merged.next,
      conflicts: merged.conflicts,
      renames: new Map([...merged.renames, ...merged.moves]),
      extra: [repo.prefix + STATE_PATH],
      plan: merged.plan,
      prefix: repo.prefix,
      workTree: options.mode === 'branch' ? undefined : root,
    });
    await closeTreeReader(store);

    // 5. Deliver.
    if (options.mode === 'local') {
      await applyToWorkTree(
        root,
        { head: repo.head, tree: merged.tree, conflicts: [...merged.conflicts], result },
        { index: layout.index, journal: layout.journal },
      );
    } else if (options.mode === 'branch') {
      if (!repo.branch) throw new UserError('HEAD is detached; check out the branch to update, then run sync again.');
      // The trailer goes in now, so the commit is made once (a rerun recognises its own commit by it).
      const message = `detml: update ${id} template ${old.manifest.version} -> ${next.manifest.version}\n${syncTrailer(merged.tree)}`;
      Object.assign(
        result,
        { base: repo.branch },
        await commitToBranch(options.cwd, merged.tree, repo.head, repo.branch, message),
      );
    }
    return { result, next };
  } finally {
    if (store) await Promise.allSettled([closeTreeReader(store)]);
    scratch.dispose();
  }
}

// A dry run writes its objects into the scratch folder, reading the repository's through git's alternates, so
// .git/objects stays exactly as it was; the other modes write into the repository (a commit or the index needs them).
async function objectStore(dir: string, mode: SyncMode, scratch: string): Promise<ObjectStore> {
  if (mode !== 'dry-run') return { dir, env: {}, scratch };
  const objects = resolve(
    dir,
    (await runGit(dir, ['rev-parse', '--git-path', 'objects'])).stdout.toString('utf8').trim(),
  );
  // git reads this variable as a ':'-separated list, with C-style quoting for a path that contains one.
  const alternate = objects.includes(':') || objects.startsWith('"') ? JSON.stringify(objects) : objects;
  return {
    dir,
    scratch,
    env: { GIT_OBJECT_DIRECTORY: join(scratch, 'objects'), GIT_ALTERNATE_OBJECT_DIRECTORIES: alternate },
  };
}
