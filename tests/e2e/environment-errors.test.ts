import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoWorkspace } from '../helpers/fixture-template.ts';
import { runCli } from '../helpers/run-cli.ts';
import { homeFor, isRoot, nonRootUser, oneLineError, smallDisk, startCli } from '../helpers/system.ts';

function setup(cwd?: string) {
  return demoWorkspace(cwd ? { at: cwd } : {});
}

// Ordinary environment problems are the user's to fix: one line saying what and how, never a stack or "bug".
describe('environment errors get one line with the fix', () => {
  it.skipIf(!isRoot)('an unwritable parent folder, as a non-root user', async () => {
    const { root, cwd, args } = setup();
    chmodSync(root, 0o755);
    chmodSync(cwd, 0o755); // owned by root: the other user cannot create anything in it
    const { uid, gid } = nonRootUser();
    const r = await startCli(['app', ...args], { cwd, uid, gid, env: { HOME: homeFor(uid, gid) } }).done;
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      `error: Permission denied (cannot write in ${cwd}). Choose a folder you can write to, or fix its permissions.`,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a file name too long for the file system', async () => {
    const { cwd, args } = setup();
    const r = await runCli(['a'.repeat(300), '--name', 'ok', ...args], { cwd });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      'error: A file name is too long for the file system (at most 255 bytes per name). Choose a shorter project directory or name.',
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.skipIf(!isRoot)('a disk that fills up during the git commit', async () => {
    // 128 KiB holds the rendered demo project (about 40 KiB) but not git's objects and hooks as well.
    const disk = smallDisk('128k');
    const { args } = setup();
    const fits = await runCli(['fits', ...args, '--no-git'], { cwd: disk });
    expect(fits.code).toBe(0);
    const r = await runCli(['app', ...args], { cwd: disk });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      'error: The disk is full: git could not write the initial commit. Free some space and retry (or pass --no-git); nothing was written.',
    );
    expect(readdirSync(disk)).toEqual(['fits']);
  });

  it('git not installed: suggests --no-git before anything is written', async () => {
    const { root, cwd, args } = setup();
    const bin = join(root, 'bin'); // a PATH with node but without git
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = await runCli(['app', ...args], { cwd, env: { PATH: bin } });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      'error: git is not installed (or not on PATH), and create-detml makes an initial commit. Install git, or pass --no-git to create the project without a repository.',
    );
    expect(readdirSync(cwd)).toEqual([]);
    const without = await runCli(['app', ...args, '--no-git'], { cwd, env: { PATH: bin } });
    expect(without.code).toBe(0);
  });

  it('--template-root pointing at a file', async () => {
    const { root, cwd } = setup();
    writeFileSync(join(root, 'not-a-folder'), 'x');
    const r = await runCli(['app', '--template-root', join(root, 'not-a-folder'), '--no-install'], { cwd });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      `error: Template root ${join(root, 'not-a-folder')} is a file, not a folder. Pass the folder that holds <id>@<version>/ template folders.`,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a project directory that is a file', async () => {
    const { cwd, args } = setup();
    writeFileSync(join(cwd, 'taken'), 'x');
    const r = await runCli(['taken', ...args], { cwd });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe('error: taken exists and is not a directory. Choose another project directory.');
  });
});
