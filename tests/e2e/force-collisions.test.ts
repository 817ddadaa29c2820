import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { demoWorkspace } from '../helpers/fixture-template.ts';
import { BIN } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { isRoot, oneLineError, smallDisk, snapshot } from '../helpers/system.ts';
import { startTerminal } from '../helpers/tmux.ts';

const MODEL = Buffer.from([0, 255, 1, 254, 123, 10, 13, 0]); // the demo template's model.bin

function setup(cwd?: string) {
  const { root, cwd: work, templates, args } = demoWorkspace(cwd ? { at: cwd } : {});
  const taken = join(work, 'taken');
  mkdirSync(join(taken, 'goldens'), { recursive: true });
  writeFileSync(join(taken, 'README.md'), 'mine\n');
  writeFileSync(join(taken, 'package.json'), '{}\n');
  writeFileSync(join(taken, 'model.bin'), Buffer.from([1, 2, 3]));
  writeFileSync(join(taken, 'goldens', 'README.md'), 'goldens\n'); // identical to the render
  writeFileSync(join(taken, 'notes.txt'), 'keep me\n');
  return {
    root,
    cwd: work,
    taken,
    templates,
    args,
  };
}

const backups = (taken: string) =>
  readdirSync(join(taken, '.detml', 'backup'))
    .filter((name) => name !== '.gitignore')
    .map((stamp) => join(taken, '.detml', 'backup', stamp));

describe("--force into a non-empty folder goes through yeoman's conflicter", () => {
  it('without a terminal: lists each collision, keeps identical and unrelated files, backs up what it overwrites', async () => {
    const { cwd, taken, args } = setup();
    const r = await runCli(['taken', ...args, '--force'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('identical goldens/README.md');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('overwrite '))).toEqual([
      'overwrite README.md',
      'overwrite model.bin',
      'overwrite package.json',
    ]);
    const [backup] = backups(taken);
    expect(r.stdout).toContain(
      `Overwrote 3 files; the originals are in taken/.detml/backup/${backup!.split('/').pop()}/.`,
    );
    expect(readFileSync(join(backup!, 'README.md'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(backup!, 'package.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(join(taken, 'README.md'), 'utf8')).toBe('# taken\n\nseed=42 (plain)\n');
    expect(readFileSync(join(taken, 'notes.txt'), 'utf8')).toBe('keep me\n');
    expect(readState(taken).template.id).toBe('demo');
    const tracked = execFileSync('git', ['ls-files'], { cwd: taken, encoding: 'utf8' });
    expect(tracked).toContain('README.md');
    expect(tracked).not.toContain('notes.txt');
    // The backups are ignored by git, so neither `git add -A` nor verify's file list picks them up.
    const untracked = execFileSync('git', ['ls-files', '--others', '--exclude-standard'], {
      cwd: taken,
      encoding: 'utf8',
    });
    expect(untracked.split('\n').filter(Boolean)).toEqual(['notes.txt']);
  });

  it('anything else in the way rolls every move back: the folder is exactly as before', async () => {
    const { cwd, taken, args } = setup();
    writeFileSync(join(taken, 'src'), 'a file where the template has a folder\n');
    const before = snapshot(taken);
    const r = await runCli(['taken', ...args, '--force'], { cwd });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(
      `error: src in ${taken} is in the way of the project's folder of the same name; move it away and retry. Nothing was changed.`,
    );
    expect(snapshot(taken)).toEqual(before);
    expect(readdirSync(cwd)).toEqual(['taken']);
  });

  // Sizes: the demo render takes about 40 KiB on tmpfs, git's objects and hooks about 170 KiB more.
  it.skipIf(!isRoot).each([
    ['32k', ['--no-git'], /^error: The disk is full \(or your quota is used up\)\. Free some space and retry\.$/],
    ['128k', [], /^error: The disk is full: git could not write the initial commit\./],
  ])('a disk that fills up (%s tmpfs) leaves the folder exactly as before', async (size, extra, message) => {
    const disk = smallDisk(size);
    const { taken, args } = setup(disk);
    const before = snapshot(taken);
    const r = await runCli(['taken', ...args, '--force', ...extra], { cwd: disk });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toMatch(message);
    expect(snapshot(taken)).toEqual(before);
    expect(readdirSync(disk)).toEqual(['taken']);
  });

  it.skipIf(!isRoot)(
    'room for one copy of the project is enough: publishing moves files, it never copies them',
    async () => {
      const disk = smallDisk('64k');
      const { taken, args } = setup(disk);
      const r = await runCli(['taken', ...args, '--force', '--no-git'], { cwd: disk });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const path of Object.keys(readState(taken).files)) expect(existsSync(join(taken, path)), path).toBe(true);
    },
  );

  it('in a terminal: y/n/a/d per collision, with the diff on d', async () => {
    const { root, cwd, taken, templates } = setup();
    const term = terminalIn({ root, cwd, templates });
    await acceptUpToFirstCollision(term);
    term.type('d');
    term.keys('Enter');
    await term.waitFor('+# taken');
    expect(term.screen()).toContain('-mine');
    await term.waitFor(/Overwrite README\.md\?[\s\S]*Overwrite README\.md\?/);
    term.type('n');
    term.keys('Enter');
    await term.waitFor('Overwrite model.bin?');
    term.type('y');
    term.keys('Enter');
    await term.waitFor('Overwrite package.json?');
    term.type('a');
    term.keys('Enter');
    expect(await term.exitCode()).toBe(0);
    expect(readFileSync(join(taken, 'README.md'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(taken, 'model.bin'))).toEqual(MODEL);
    expect(readFileSync(join(taken, 'package.json'), 'utf8')).toBe('{ "name": "taken", "version": "1.0.0" }\n');
    const [backup] = backups(taken);
    expect(readdirSync(backup!).sort()).toEqual(['model.bin', 'package.json']);
  });

  it('in a terminal with --yes (never prompts) a non-empty folder is refused without --force', async () => {
    const { root, cwd, taken, templates } = setup();
    const before = snapshot(taken);
    const term = terminalIn({ root, cwd, templates }, '--yes');
    expect(await term.exitCode()).toBe(1);
    expect(term.screen()).toContain('pass --force to write into it');
    expect(snapshot(taken)).toEqual(before);
  });

  it('in a terminal: no at the first question writes nothing, and says so once', async () => {
    const { root, cwd, taken, templates } = setup();
    const before = snapshot(taken);
    const term = terminalIn({ root, cwd, templates });
    await term.waitFor('taken is not empty. Write the project into it?');
    term.type('n');
    expect(await term.exitCode()).toBe(130);
    expect(term.screen().match(/Cancelled; nothing was written\./g)).toHaveLength(1);
    expect(snapshot(taken)).toEqual(before);
  });

  it('in a terminal: x aborts and leaves the folder exactly as before', async () => {
    const { root, cwd, taken, templates } = setup();
    const before = snapshot(taken);
    const ask = terminalIn({ root, cwd, templates });
    await acceptUpToFirstCollision(ask);
    ask.type('x');
    ask.keys('Enter');
    expect(await ask.exitCode()).toBe(130);
    expect(ask.screen()).toContain('Aborted at a file collision; nothing was written.');
    expect(snapshot(taken)).toEqual(before);
  });
});

// create in the `taken` folder on a real terminal (prompts on), the demo template from the workspace's root.
function terminalIn(w: { root: string; cwd: string; templates: string }, extra = '') {
  const command = `${process.execPath} ${BIN} taken --template demo --template-root ${w.templates} --no-install ${extra}`;
  return startTerminal(command.trimEnd(), w.cwd, { CI: undefined, NO_COLOR: '1' }, w.root);
}

// Says yes to using the non-empty folder, takes the default answers, and stops at the first collision's question.
async function acceptUpToFirstCollision(term: ReturnType<typeof startTerminal>): Promise<void> {
  await term.waitFor('taken is not empty. Write the project into it?');
  term.type('y');
  await term.waitFor('Project name');
  term.keys('Enter');
  await term.waitFor('Seed');
  term.keys('Enter');
  await term.waitFor('Overwrite README.md?');
}
