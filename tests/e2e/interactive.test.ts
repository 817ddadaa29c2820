import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { writeDemoTemplate } from '../helpers/fixture-template.ts';
import { BIN } from '../helpers/paths.ts';
import { startTerminal } from '../helpers/tmux.ts';
import { tempDir } from '../helpers/tmp.ts';

function setup() {
  const root = tempDir();
  writeDemoTemplate(join(root, 'templates'));
  const cwd = join(root, 'work');
  mkdirSync(cwd);
  const command = `${process.execPath} ${BIN} --template-root ${join(root, 'templates')} --no-install`;
  return { root, cwd, command };
}

describe('interactive create in a real terminal', () => {
  it('asks the questions, validates the answer in place, and creates the project', async () => {
    const { root, cwd, command } = setup();
    const term = startTerminal(command, cwd, { CI: undefined, NO_COLOR: '1' }, root);
    await term.waitFor('Project directory');
    term.keys('C-u');
    for (let i = 0; i < 20; i++) term.keys('BSpace');
    term.type('tty-app');
    term.keys('Enter');
    await term.waitFor('Project name');
    term.keys('Enter'); // accept the folder name
    await term.waitFor('Seed');
    term.keys('BSpace', 'BSpace');
    term.type('0');
    term.keys('Enter');
    await term.waitFor('must be a non-zero integer');
    term.keys('BSpace');
    term.type('7');
    term.keys('Enter');
    expect(await term.exitCode()).toBe(0);
    expect(term.screen()).toMatch(/Created demo@1\.0\.0 project in tty-app/);
    const state = readState(join(cwd, 'tty-app'));
    expect(state.answers).toMatchObject({ name: 'tty-app', seed: 7 });
  });

  it('Ctrl-C at a prompt cancels and writes nothing', async () => {
    const { root, cwd, command } = setup();
    const term = startTerminal(`${command} cancelled-app`, cwd, { CI: undefined, NO_COLOR: '1' }, root);
    await term.waitFor('Project name');
    term.keys('C-c');
    expect(await term.exitCode()).toBe(130);
    expect(existsSync(join(cwd, 'cancelled-app'))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
