import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { installCommand, installDependencies, type PackageManager } from '../install.ts';
import { buildState, serializeState, STATE_PATH } from '../state/state-file.ts';
import type { Answers } from '../templates/answers.ts';
import { refuseSymlinksOnPaths } from '../templates/containment.ts';
import { ownershipOf } from '../templates/ownership.ts';
import type { ResolvedTemplate } from '../templates/registry.ts';
import { renderTemplate, type RenderedTree } from '../templates/render.ts';
import { thisGenerator } from './own-integrity.ts';
import { publish, type CollisionDecision } from './publish.ts';
import { runGenerator } from './run-generator.ts';
import { createStaging, inspectTarget, removeStaleStaging } from './staging.ts';

/** Everything `runCreate` needs; answers are complete and validated, so nothing here prompts except `decide`. */
export interface CreateOptions {
  target: string;
  template: ResolvedTemplate;
  answers: Answers;
  git: boolean;
  /** The package manager to install with, or false to skip installing. */
  install: PackageManager | false;
  force: boolean;
  /** Settles rendered paths that already exist in a non-empty target (yeoman's conflicter, src/create/collisions.ts). */
  decide?: (target: string, files: RenderedTree) => Promise<Map<string, CollisionDecision>>;
  onProgress?: (message: string) => void;
}

/** What was created, for the CLI's summary. */
export interface CreateResult {
  dir: string;
  files: number;
  committed: boolean;
  installed: boolean;
  overwritten: string[];
  backupDir?: string;
}

/**
 * Creates a project: render (pure) → settle collisions → write through the generator into a staging folder → git
 * init and commit there → move into place with renames → install. Until the move nothing in the target changes,
 * and the move itself is undone on failure, so an error or interruption leaves the target as it was.
 */
export async function runCreate(options: CreateOptions): Promise<CreateResult> {
  const progress = options.onProgress ?? (() => {});
  const target = resolve(options.target);
  const { dir: templateDir, manifest } = options.template;

  // 1. Refuse to write over someone's files unless told to; folders of killed runs do not count as theirs.
  const stale = removeStaleStaging(target);
  if (stale) progress(`Removed ${stale} staging folder${stale === 1 ? '' : 's'} left by an interrupted run`);
  const targetState = inspectTarget(target);
  if (targetState === 'non-empty' && !options.force) {
    throw new UserError(
      `Directory ${options.target} is not empty. Choose another directory, or pass --force to write into it (each file it would overwrite is listed and backed up).`,
    );
  }
  // A new or empty folder gets its own repository (as before); files added to a non-empty folder are committed only
  // when it is not already inside someone's work tree.
  const commit =
    options.git && (targetState !== 'non-empty' || !(await (await import('../git.ts')).isInsideWorkTree(target)));
  // Loaded only when committing: it brings in child_process (and with it dgram), which --no-git never needs.
  const git = commit ? await import('./initial-commit.ts') : undefined;
  git?.requireGit();

  // 2. Render and describe the result; pure, so the same answers give the same bytes.
  const generator = thisGenerator();
  const tree = renderTemplate(templateDir, options.answers, manifest, { generatorVersion: generator.version });
  const state = buildState(
    { generator, template: { id: manifest.id, version: manifest.version }, answers: options.answers },
    tree,
    (path) => ownershipOf(path, manifest),
  );
  const stateFile = { path: STATE_PATH, contents: serializeState(state) };
  const rendered: RenderedTree = [
    ...tree,
    { path: STATE_PATH, contents: Buffer.from(stateFile.contents), mode: 0o644 },
  ];
  const decisions =
    targetState === 'non-empty' && options.decide
      ? await options.decide(target, rendered)
      : new Map<string, CollisionDecision>();

  // Files already in the target (only with --force) must not redirect a write through a symbolic link.
  if (targetState === 'non-empty') refuseSymlinksOnPaths(target, [...tree.map((f) => f.path), STATE_PATH]);

  // 3. Write and commit in the staging folder, then publish it under the real name.
  const staging = createStaging(target, targetState);
  let published;
  try {
    progress(`Writing ${rendered.length} files from ${manifest.id}@${manifest.version}`);
    const sha256 = Object.fromEntries(Object.entries(state.files).map(([path, f]) => [path, f.sha256]));
    await runGenerator({ destination: staging.dir, files: tree, stateFile, sha256, force: false });
    if (git)
      await git.commitInitialRender(
        staging.dir,
        `Create project from create-detml template ${manifest.id}@${manifest.version}`,
      );
    published = publish(staging, target, targetState, decisions);
  } catch (error) {
    staging.discard();
    throw error;
  }

  // 4. Install last: the project is complete even if this fails, and the error says how to retry.
  // Only Node templates have something to install; Python ones run inside their pinned image.
  const installable = Boolean(options.install) && tree.some((f) => f.path === 'package.json');
  if (options.install && installable) {
    progress(
      `Installing dependencies: ${installCommand(
        options.install,
        tree.some((f) => f.path === 'package-lock.json'),
      )
        .flat()
        .join(' ')}`,
    );
    await installDependencies(target, options.install, manifest.installEnv);
  }
  return { dir: target, files: rendered.length, committed: commit, installed: installable, ...published };
}
