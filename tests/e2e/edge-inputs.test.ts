import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { demoWorkspace, writeTree } from '../helpers/fixture-template.ts';
import { BIN, ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { oneLineError, snapshot } from '../helpers/system.ts';
import { startTerminal } from '../helpers/tmux.ts';

function setup() {
  return demoWorkspace();
}

describe('smaller edge inputs', () => {
  it.each([
    [
      ['node_modules'],
      2,
      'error: A project cannot live in a folder named node_modules: package managers own those folders. Choose another directory.',
    ],
    [
      ['app', '--name', 'node_modules'],
      2,
      /^error: Invalid name "node_modules": must be a valid npm package name: .*, and not node_modules or favicon\.ico$/,
    ],
    [
      ['app', '--name', 'one', '--set', 'name=two'],
      2,
      'error: The project name is given twice (--name one and --set name=two); pass only one.',
    ],
  ])('%j is refused with one line and writes nothing', async (extra, code, message) => {
    const { cwd, args } = setup();
    const r = await runCli([...extra, ...args], { cwd });
    expect(r.code).toBe(code);
    if (typeof message === 'string') expect(oneLineError(r)).toBe(message);
    else expect(oneLineError(r)).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a template manifest without "questions" names the field and what it needs', async () => {
    const { root, cwd } = setup();
    const templates = join(root, 'bare');
    writeTree(join(templates, 'bare@1.0.0'), {
      'template.json': JSON.stringify({ id: 'bare', version: '1.0.0' }),
      'files/README.md': 'bare\n',
    });
    const r = await runCli(['app', '--template', 'bare', '--template-root', templates, '--no-install'], { cwd });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      `error: Invalid template manifest ${join(templates, 'bare@1.0.0', 'template.json')}: $.questions: is required: the questions the template asks ([] when it asks none)`,
    );
  });

  it('a template that asks nothing ("questions": []) creates a project; --name then says it has nothing to set', async () => {
    const { root, cwd } = setup();
    const templates = join(root, 'bare');
    writeTree(join(templates, 'bare@1.0.0'), {
      'template.json': JSON.stringify({ id: 'bare', version: '1.0.0', questions: [] }),
      'files/README.md': 'bare\n',
    });
    const r = await runCli(['app', '--template', 'bare', '--template-root', templates, '--no-install'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readState(join(cwd, 'app')).answers).toEqual({});
    const named = await runCli(
      ['other', '--name', 'x', '--template', 'bare', '--template-root', templates, '--no-install'],
      { cwd },
    );
    expect(named.code).toBe(2);
    expect(oneLineError(named)).toBe(
      'error: Template bare asks for no project name, so --name has nothing to set; the directory alone names the folder.',
    );
  });

  it('Ctrl-C at a prompt prints the cancel message once', async () => {
    const { root, cwd, templates } = setup();
    const term = startTerminal(
      `${process.execPath} ${BIN} app --template demo --template-root ${templates} --no-install`,
      cwd,
      { CI: undefined, NO_COLOR: '1' },
      root,
    );
    await term.waitFor('Project name');
    term.keys('C-c');
    expect(await term.exitCode()).toBe(130);
    expect(term.screen().match(/Cancelled; nothing was written\./g)).toHaveLength(1);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('npm run demo is idempotent: its second run finds every file identical and changes nothing', async () => {
    const { cwd } = setup();
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.demo as string;
    const [build, create] = script.split(' && ');
    expect(build).toBe('npm run build'); // dist/ is built once for the whole test run
    const argv = create!.split(' ');
    expect(argv.slice(0, 2)).toEqual(['node', 'bin.cjs']);
    const run = () =>
      execFileSync(process.execPath, [BIN, ...argv.slice(2), '--no-install'], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CI: '1' },
      });
    run();
    const first = snapshot(join(cwd, 'demo-app'));
    const second = run();
    expect(second).toContain('identical .detml/state.json');
    expect(second).not.toMatch(/^overwrite /m);
    expect(snapshot(join(cwd, 'demo-app'))).toEqual(first);
    expect(readdirSync(cwd)).toEqual(['demo-app']);
  });
});
