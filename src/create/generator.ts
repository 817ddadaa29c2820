import { setModifiedFileState } from 'mem-fs-editor/state';
import Generator from 'yeoman-generator';
import type { BaseOptions } from 'yeoman-generator';
import type { EnvironmentBase } from 'yeoman-environment';
import type { RenderedTree } from '../templates/render.ts';
import { commitRender } from './commit-task.ts';
import { StreamedContents } from './streamed-copy.ts';

/** What the generator is given: a finished render and the state file text. It never prompts or renders. */
export type DetmlGeneratorOptions = BaseOptions & {
  files: RenderedTree;
  stateFile: { path: string; contents: string };
  /** The sha256 the state file records per path: a streamed file's copy must match it. */
  sha256: Readonly<Record<string, string>>;
};

/**
 * Writes a render through yeoman's in-memory file system, so the environment's commit does the disk writes and its
 * conflicter guards existing files. Answers were collected and the template rendered before yeoman starts.
 */
export class DetmlGenerator extends Generator<Record<string, never>, DetmlGeneratorOptions> {
  // The environment runs this instead of its own commit (src/create/commit-task.ts says what differs and why).
  override customFeatures = {
    customCommitTask: () => commitRender(this.env as unknown as EnvironmentBase, this.destinationRoot()),
  };

  writing(): void {
    for (const file of this.options.files) {
      const contents = 'contents' in file ? file.contents : new StreamedContents(file, this.options.sha256[file.path]!);
      put(this.fs, this.destinationPath(file.path), contents, file.mode);
    }
    const { path, contents } = this.options.stateFile;
    put(this.fs, this.destinationPath(path), Buffer.from(contents), 0o644);
  }
}

// mem-fs-editor's write() does exactly this and then returns `contents.toString()`: a model-sized binary would be
// decoded as UTF-8 only to be thrown away (seconds, a second copy in memory, and past V8's string limit an error).
// So the file is put into the same store, marked modified the same way, and the commit and conflicter see it as
// written; a large binary's contents only say where it is: the commit task copies it (src/create/commit-task.ts).
// (A function, not a method: yeoman runs every public method of a generator as a task.)
function put(fs: DetmlGenerator['fs'], path: string, contents: Buffer | StreamedContents, mode: number): void {
  const file = fs.store.get(path);
  // A vinyl file holds bytes, a stream or null: a large binary is null there, and says where it is beside.
  Object.assign(file, contents instanceof StreamedContents ? { contents: null, streamed: contents } : { contents }, {
    stat: { mode },
  });
  setModifiedFileState(file);
  fs.store.add(file);
}
