import { basename, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { installDependencies, type PackageManager } from '../install.ts';
import { buildState, serializeState, STATE_PATH } from '../state/state-file.ts';
import type { Answers } from '../templates/answers.ts';
import { refuseSymlinksOnPaths } from '../templates/containment.ts';
import { ownershipOf } from '../templates/ownership.ts';
import type { ResolvedTemplate } from '../templates/registry.ts';
import { renderTemplate } from '../templates/render.ts';
import { thisGenerator } from './own-integrity.ts';
import { runGenerator } from './run-generator.ts';
import { createStaging, inspectTarget, publish } from './staging.ts';

/** Everything `runCreate` needs; answers are complete and validated, so nothing here prompts. */
export interface CreateOptions {
  target: string;
  template: ResolvedTemplate;
  answers: Answers;
  git: boolean;
  /** The package manager to install with, or false to skip installing. */
  install: PackageManager | false;
  force: boolean;
  onProgress?: (message: string) => void;
}

/** What was created, for the CLI's summary. */
export interface CreateResult {
  dir: string;
  files: number;
  committed: boolean;
  installed: boolean;
}

/**
 * Creates a project: render (pure) → write through the generator into a staging folder → git init and commit →
 * move into place → install. Until the move, nothing exists under the target name, so a failure or interruption
 * leaves nothing half-written.
 */
export async function runCreate(options: CreateOptions): Promise<CreateResult> {
  const progress = options.onProgress ?? (() => {});
  const target = resolve(options.target);
  const { dir: templateDir, manifest } = options.template;

  // 1. Refuse to write over someone's files unless told to.
  const targetState = inspectTarget(target);
  if (targetState === 'non-empty' && !options.force) {
    throw new UserError(`Directory ${basename(target)} is not empty. Choose another directory, or pass --force to write into it (files with the same names are overwritten).`);
  }

  // 2. Render and describe the result; pure, so the same answers give the same bytes.
  const generator = thisGenerator();
  const tree = renderTemplate(templateDir, options.answers, manifest, { generatorVersion: generator.version });
  const state = buildState(
    { generator, template: { id: manifest.id, version: manifest.version }, answers: options.answers },
    tree,
    (path) => ownershipOf(path, manifest),
  );
  const stateFile = { path: STATE_PATH, contents: serializeState(state) };

  // Files already in the target (only with --force) must not redirect a write through a symbolic link.
  if (targetState === 'non-empty') refuseSymlinksOnPaths(target, [...tree.map((f) => f.path), STATE_PATH]);

  // 3. Write and commit in the staging folder, then publish it under the real name.
  const staging = createStaging(target);
  let committed = false;
  try {
    progress(`Writing ${tree.length + 1} files from ${manifest.id}@${manifest.version}`);
    await runGenerator({ destination: staging.dir, files: tree, stateFile, force: false });
    if (options.git && targetState !== 'non-empty') {
      const { initAndCommit } = await import('../git.ts');
      await initAndCommit(staging.dir, commitMessage(manifest.id, manifest.version));
      committed = true;
    }
    publish(staging, target, targetState);
  } catch (error) {
    staging.discard();
    throw error;
  }
  if (options.git && targetState === 'non-empty' && !(await (await import('../git.ts')).isInsideWorkTree(target))) {
    const { initAndCommit } = await import('../git.ts');
    await initAndCommit(target, commitMessage(manifest.id, manifest.version), [...tree.map((f) => f.path), STATE_PATH]);
    committed = true;
  }

  // 4. Install last: the project is complete even if this fails, and the error says how to retry.
  // Only Node templates have something to install; Python ones run inside their pinned image.
  const installable = Boolean(options.install) && tree.some((f) => f.path === 'package.json');
  if (options.install && installable) {
    progress(`Installing dependencies with ${options.install}`);
    await installDependencies(target, options.install, manifest.installEnv);
  }
  return { dir: target, files: tree.length + 1, committed, installed: installable };
}

function commitMessage(id: string, version: string): string {
  return `Create project from create-detml template ${id}@${version}`;
}
