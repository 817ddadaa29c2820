import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCreate } from '../../src/create/run-create.ts';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { runSync, type SyncMode } from '../../sync/run-sync.ts';
import { writeTree, type FileTree } from './fixture-template.ts';
import { ROOT } from './paths.ts';
import { tempDir } from './tmp.ts';

/** The committed template-history fixture: demo@1.0.0, demo@1.1.0, demo@1.2.0. */
export const HISTORY = join(ROOT, 'tests', 'fixtures', 'history');

const IDENTITY = ['-c', 'user.name=Test User', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];

/** A generated project in a real git repository, with helpers to edit, commit and sync it. */
export interface Project {
  dir: string;
  templateRoot: string;
  git(...args: string[]): string;
  read(path: string): string;
  write(path: string, contents: string | Buffer): void;
  remove(path: string): void;
  commit(message?: string): void;
  sync(options?: { to?: string; mode?: SyncMode; set?: Record<string, string> }): ReturnType<typeof runSync>;
  /** HEAD, index and work tree status, to prove that a failed sync changed nothing. */
  snapshot(): string;
}

/** Creates a project from the history fixture at `version`, committed as create does; `at` nests it in a monorepo. */
export async function createProject(version = '1.0.0', options: { name?: string; at?: string } = {}): Promise<Project> {
  const root = tempDir('detml-sync-');
  const templateRoot = join(root, 'templates');
  cpSync(HISTORY, templateRoot, { recursive: true });
  return projectFrom(root, templateRoot, version, options);
}

/** A project made from a tiny scenario template, with `release` to publish later versions of it. */
export interface ScenarioProject extends Project {
  /** Writes `demo@<version>` into the template root: `files` is its files/ folder, `manifest` overrides fields. */
  release(version: string, files: FileTree, manifest?: Record<string, unknown>): void;
}

/**
 * Creates a project from a one-off template `demo@1.0.0` (only that version exists at create time, as in the
 * peers' update tests); later versions are released with `release`.
 */
export async function scenario(
  files: FileTree,
  options: { manifest?: Record<string, unknown>; at?: string; name?: string } = {},
): Promise<ScenarioProject> {
  const root = tempDir('detml-scn-');
  const templateRoot = join(root, 'templates');
  const release = (version: string, tree: FileTree, manifest: Record<string, unknown> = options.manifest ?? {}) => {
    const dir = join(templateRoot, `demo@${version}`);
    writeTree(join(dir, 'files'), tree);
    const questions = [
      { name: 'name', type: 'string', message: 'Project name', default: 'app', validate: 'npm-package-name' },
    ];
    writeFileSync(
      join(dir, 'template.json'),
      JSON.stringify({ id: 'demo', version, description: 'scenario', questions, ...manifest }, null, 2),
    );
  };
  release('1.0.0', files);
  return { ...(await projectFrom(root, templateRoot, '1.0.0', options)), release };
}

async function projectFrom(
  root: string,
  templateRoot: string,
  version: string,
  options: { name?: string; at?: string },
): Promise<Project> {
  const template = resolveTemplate('demo', { templateRoot }, version);
  const repo = join(root, 'repo');
  const dir = options.at ? join(repo, options.at) : repo;
  if (options.at) {
    mkdirSync(repo, { recursive: true });
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    writeFileSync(join(repo, 'OTHER.md'), 'another project\n');
    execFileSync('git', [...IDENTITY, 'add', '-A'], { cwd: repo });
    execFileSync('git', [...IDENTITY, 'commit', '-qm', 'monorepo'], { cwd: repo });
  }
  await runCreate({
    target: dir,
    template,
    answers: resolveAnswers(template.manifest, { name: options.name ?? 'proj' }),
    git: !options.at,
    install: false,
    force: false,
  });
  const git = (...args: string[]) =>
    execFileSync('git', [...IDENTITY, ...args], { cwd: dir, encoding: 'utf8' }).trimEnd();
  if (options.at) {
    git('add', '-A');
    git('commit', '-qm', 'add project');
  }
  return {
    dir,
    templateRoot,
    git,
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, contents) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), contents);
    },
    remove: (path) => rmSync(join(dir, path)),
    commit: (message = 'user edits') => {
      git('add', '-A');
      git('commit', '-qm', message);
    },
    sync: (o = {}) =>
      runSync({ cwd: dir, mode: o.mode ?? 'local', to: o.to, set: o.set ?? {}, source: { templateRoot } }),
    snapshot: () =>
      [
        git('rev-parse', 'HEAD'),
        git('branch', '--show-current'),
        git('status', '--porcelain=v1', '--untracked-files=all'),
        git('diff', '--cached', '--stat'),
        git('diff', '--stat'),
      ].join('\n--\n'),
  };
}

/** The plan status of one path, or undefined when sync left it alone. */
export function statusOf(result: Awaited<ReturnType<typeof runSync>>, path: string): string | undefined {
  return result.plan.find((e) => e.path === path)?.status;
}
