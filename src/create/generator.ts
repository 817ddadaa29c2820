import Generator from 'yeoman-generator';
import type { BaseOptions } from 'yeoman-generator';
import type { RenderedTree } from '../templates/render.ts';

/** What the generator is given: a finished render and the state file text. It never prompts or renders. */
export type DetmlGeneratorOptions = BaseOptions & {
  files: RenderedTree;
  stateFile: { path: string; contents: string };
};

/**
 * Writes a render through yeoman's in-memory file system, so the environment's commit does the disk writes and its
 * conflicter guards existing files. Answers were collected and the template rendered before yeoman starts.
 */
export class DetmlGenerator extends Generator<Record<string, never>, DetmlGeneratorOptions> {
  writing(): void {
    for (const file of this.options.files) {
      this.fs.write(this.destinationPath(file.path), file.contents, { stat: { mode: file.mode } as never });
    }
    const { path, contents } = this.options.stateFile;
    this.fs.write(this.destinationPath(path), contents, { stat: { mode: 0o644 } as never });
  }
}
