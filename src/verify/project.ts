import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseState, STATE_PATH, type DetmlState } from '../state/state-file.ts';
import { parseDockerfile, type DockerStage } from './dockerfile.ts';
import { listProjectFiles } from './project-files.ts';
import { parseWorkflow, workflowPaths, type Workflow } from './workflows.ts';

/** Files larger than this are not read as text (models, archives). */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/** A project being verified: its files, cached reads and parses, and its state file (or why it is unusable). */
export class Project {
  readonly files: string[];
  private readonly texts = new Map<string, string | undefined>();
  private readonly stages = new Map<string, DockerStage[]>();
  private parsedWorkflows: Workflow[] | undefined;
  private stateCache: { state?: DetmlState; problem?: string } | undefined;

  constructor(
    readonly root: string,
    files?: string[],
  ) {
    this.files = files ?? listProjectFiles(root);
  }

  /** True when the project has this file. */
  has(path: string): boolean {
    return this.files.includes(path);
  }

  /** The file's text, or undefined when it is missing, too large or binary (has a NUL byte). */
  text(path: string): string | undefined {
    if (!this.texts.has(path)) this.texts.set(path, this.readText(path));
    return this.texts.get(path);
  }

  /** The raw bytes of a file, or undefined when it cannot be read. */
  bytes(path: string): Buffer | undefined {
    try {
      return readFileSync(join(this.root, path));
    } catch {
      return undefined;
    }
  }

  /** The 1-based line of the first line containing `needle` (1 when absent): locates keys in JSON files. */
  lineOf(path: string, needle: string | RegExp): number {
    const lines = (this.text(path) ?? '').split('\n');
    const i = lines.findIndex((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l)));
    return i === -1 ? 1 : i + 1;
  }

  /** Dockerfiles: `Dockerfile`, `Dockerfile.<x>` and `<x>.Dockerfile` anywhere in the project. */
  dockerfiles(): string[] {
    return this.files.filter(
      (f) => /(^|\/)(Dockerfile(\.[^/]+)?|[^/]+\.[Dd]ockerfile)$/.test(f) && !f.endsWith('.dockerignore'),
    );
  }

  /** The stages of a Dockerfile, parsed once. */
  dockerStages(path: string): DockerStage[] {
    if (!this.stages.has(path)) this.stages.set(path, parseDockerfile(this.text(path) ?? ''));
    return this.stages.get(path)!;
  }

  /** Every workflow under .github/workflows, parsed once. */
  workflows(): Workflow[] {
    this.parsedWorkflows ??= workflowPaths(this.files).map((p) => parseWorkflow(p, this.text(p) ?? ''));
    return this.parsedWorkflows;
  }

  /** The project's state, or the reason it is missing or invalid. */
  state(): { state?: DetmlState; problem?: string } {
    if (!this.stateCache) {
      const text = this.text(STATE_PATH);
      if (text === undefined) this.stateCache = { problem: `${STATE_PATH} is missing` };
      else {
        try {
          this.stateCache = { state: parseState(text, STATE_PATH) };
        } catch (error) {
          this.stateCache = { problem: (error as Error).message };
        }
      }
    }
    return this.stateCache;
  }

  /** The template id recorded in the state file, when it is valid. */
  templateId(): string | undefined {
    return this.state().state?.template.id;
  }

  /** Project files with one of these extensions. */
  filesWithExtension(...extensions: string[]): string[] {
    return this.files.filter((f) => extensions.some((e) => f.endsWith(e)));
  }

  private readText(path: string): string | undefined {
    const bytes = this.bytes(path);
    if (!bytes || bytes.length > MAX_TEXT_BYTES || bytes.subarray(0, 8192).includes(0)) return undefined;
    return bytes.toString('utf8');
  }
}
