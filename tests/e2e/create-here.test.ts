import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { demoWorkspace } from '../helpers/fixture-template.ts';
import { BIN } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { oneLineError, snapshot } from '../helpers/system.ts';
import { startTerminal } from '../helpers/tmux.ts';

function setup(folder = 'here-app') {
  const { root, cwd, args } = demoWorkspace({ at: join('work', folder) });
  return { root, cwd, parent: join(root, 'work'), args };
}

describe('create-detml . means "here"', () => {
  it('names the project after the folder, writes into it and never replaces the folder itself', async () => {
    const { cwd, parent, args } = setup();
    const inode = statSync(cwd).ino;
    const r = await runCli(['.', ...args], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Created demo@1\.0\.0 project in \. \(11 files, initial commit\)/);
    expect(r.stdout).not.toMatch(/cd /); // already there
    expect(statSync(cwd).ino).toBe(inode); // the shell's working directory still exists
    expect(readState(cwd).answers.name).toBe('here-app');
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toMatch(/^# here-app\n/);
    expect(readdirSync(parent)).toEqual(['here-app']); // no staging folder beside it
    expect(readdirSync(cwd).filter((n) => n.includes('staging'))).toEqual([]);
  });

  it('with --name, still writes into the current folder (named as given) and keeps the folder', async () => {
    const { cwd, parent, args } = setup();
    const inode = statSync(cwd).ino;
    const r = await runCli(['.', '--name', 'x', ...args], { cwd });
    expect(r.code).toBe(0);
    expect(statSync(cwd).ino).toBe(inode);
    expect(readState(cwd).answers.name).toBe('x');
    expect(readdirSync(parent)).toEqual(['here-app']);
  });

  it('in a terminal, "." typed as the project directory means here too', async () => {
    const { root, cwd, parent, args } = setup();
    const inode = statSync(cwd).ino;
    const term = startTerminal(
      `${process.execPath} ${BIN} ${args.join(' ')}`,
      cwd,
      { CI: undefined, NO_COLOR: '1' },
      root,
    );
    await term.waitFor('Project directory');
    term.keys('C-u');
    for (let i = 0; i < 20; i++) term.keys('BSpace');
    term.type('.');
    term.keys('Enter');
    await term.waitFor('Project name');
    expect(term.screen()).toContain('here-app'); // the folder's name is offered, not "."
    term.keys('Enter');
    await term.waitFor('Seed');
    term.keys('Enter');
    expect(await term.exitCode()).toBe(0);
    expect(statSync(cwd).ino).toBe(inode);
    expect(readState(cwd).answers.name).toBe('here-app');
    expect(readdirSync(parent)).toEqual(['here-app']);
  });

  it('refuses a non-empty current folder without --force and leaves it untouched', async () => {
    const { cwd, args } = setup();
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const before = snapshot(cwd);
    const r = await runCli(['.', ...args], { cwd });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      'error: Directory . is not empty. Choose another directory, or pass --force to write into it (each file it would overwrite is listed and backed up).',
    );
    expect(snapshot(cwd)).toEqual(before);
  });

  it('a folder name that is not a valid project name is refused with the fix', async () => {
    const { cwd, args } = setup('Bad Folder');
    const r = await runCli(['.', ...args], { cwd });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/^error: Invalid name "Bad Folder": must be a valid npm package name/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
