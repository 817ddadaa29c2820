// A git run started early (startGitEarly: the entry starts sync's first two commands while the sync bundle loads)
// is taken over by the first runGit that asks for exactly it, and by nothing else.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError, runGit, startGitEarly } from '../../src/git-process.ts';
import { traceGitCalls } from '../helpers/git-trace.ts';
import { tempDir } from '../helpers/tmp.ts';

function repository(): string {
  const dir = tempDir();
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  return dir;
}

describe('git runs started early', () => {
  const { calls } = traceGitCalls();
  const commands = () => calls().map((c) => c.args.join(' '));

  it('the first runGit of the same command in the same folder takes the run over: git runs once', async () => {
    const dir = repository();
    startGitEarly(dir, ['status', '--porcelain=v1']);
    const taken = await runGit(dir, ['status', '--porcelain=v1']);
    expect(taken.stdout.toString()).toBe('?? a.txt\n');
    expect(commands()).toEqual(['status --porcelain=v1']);
    // Taken once: the next identical call runs git again.
    await runGit(dir, ['status', '--porcelain=v1']);
    expect(commands()).toEqual(['status --porcelain=v1', 'status --porcelain=v1']);
  });

  it('is not taken by another command, another folder, or a call with input or an environment of its own', async () => {
    const dir = repository();
    const other = repository();
    startGitEarly(dir, ['rev-parse', '--show-toplevel']);
    await runGit(dir, ['rev-parse', '--git-dir']);
    await runGit(other, ['rev-parse', '--show-toplevel']);
    await runGit(dir, ['rev-parse', '--show-toplevel'], { env: { GIT_DIR: join(dir, '.git') } });
    await runGit(dir, ['rev-parse', '--show-toplevel'], { input: '' });
    expect(commands()).toHaveLength(5);
    // Still there for the one that matches.
    const taken = await runGit(dir, ['rev-parse', '--show-toplevel']);
    expect(taken.stdout.toString().trim()).toBe(
      execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir }).toString().trim(),
    );
    expect(commands()).toHaveLength(5);
  });

  it("the caller's exit codes decide: a failed early run is an error unless the caller accepts its code", async () => {
    const outside = tempDir(); // no repository: rev-parse exits 128
    startGitEarly(outside, ['rev-parse', 'HEAD']);
    await expect(runGit(outside, ['rev-parse', 'HEAD'])).rejects.toBeInstanceOf(GitError);
    startGitEarly(outside, ['rev-parse', 'HEAD']);
    await expect(runGit(outside, ['rev-parse', 'HEAD'], { okCodes: [0, 128] })).resolves.toMatchObject({ code: 128 });
  });
});
