import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { demoWorkspace } from '../helpers/fixture-template.ts';
import { BIN } from '../helpers/paths.ts';
import { cliEnv, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { execFileSync } from 'node:child_process';

function setup() {
  return demoWorkspace();
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('create-detml CLI (closed stdin, no TTY)', () => {
  it('creates a project from flags without prompting, with state file and one initial commit', async () => {
    const { cwd, args } = setup();
    const r = await runCli(['my-app', ...args, '--set', 'seed=5'], { cwd, env: { CI: undefined } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Created demo@1.0.0 project in my-app \(11 files, initial commit\)/);
    expect(r.stdout).toMatch(/Next steps:\n {2}cd my-app\n {2}npm install/);
    const dir = join(cwd, 'my-app');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# my-app\n\nseed=5 (plain)\n');
    const state = readState(dir);
    expect(state.template).toEqual({ id: 'demo', version: '1.0.0' });
    expect(state.answers).toEqual({ name: 'my-app', seed: 5, gpu: true, flavour: 'plain' });
    expect(state.files['.github/workflows/ci.yml']?.ownership).toBe('owned');
    expect(state.files['goldens/README.md']?.ownership).toBe('seeded');
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'ls-files', '-s', 'scripts/run.sh')).toMatch(/^100755 /);
    expect(statSync(dir).mode & 0o777).toBe(0o777 & ~process.umask());
    expect(readdirSync(cwd)).toEqual(['my-app']);
  });

  it('--no-git writes no repository', async () => {
    const { cwd, args } = setup();
    const r = await runCli(['p', ...args, '--no-git'], { cwd });
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, 'p', '.git'))).toBe(false);
    expect(existsSync(join(cwd, 'p', '.detml', 'state.json'))).toBe(true);
  });

  it('uses the configured default branch', async () => {
    const { cwd, args } = setup();
    const home = tempDir();
    writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = trunk\n');
    const r = await runCli(['p', ...args], { cwd, env: { HOME: home } });
    expect(r.code).toBe(0);
    expect(git(join(cwd, 'p'), 'branch', '--show-current')).toBe('trunk');
  });

  it('refuses a non-empty directory and leaves it untouched', async () => {
    const { cwd, args } = setup();
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'notes.txt'), 'mine');
    const r = await runCli(['taken', ...args], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: Directory taken is not empty. Choose another directory, or pass --force to write into it (each file it would overwrite is listed and backed up).',
    ]);
    expect(readdirSync(join(cwd, 'taken'))).toEqual(['notes.txt']);
    expect(readdirSync(cwd)).toEqual(['taken']);
  });

  it('--force writes into a non-empty directory and keeps unrelated files', async () => {
    const { cwd, args } = setup();
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'notes.txt'), 'mine');
    const r = await runCli(['taken', ...args, '--force'], { cwd });
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'taken', 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'taken', 'README.md'))).toBe(true);
    expect(git(join(cwd, 'taken'), 'ls-files')).not.toContain('notes.txt');
  });

  it('accepts an existing empty directory', async () => {
    const { cwd, args } = setup();
    mkdirSync(join(cwd, 'empty'));
    const r = await runCli(['empty', ...args], { cwd });
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, 'empty', 'README.md'))).toBe(true);
  });

  it.each([
    [['Bad Name'], /error: Invalid name "Bad Name": must be a valid npm package name/],
    [['ok', '--set', 'seed=0'], /error: Invalid seed 0: must be a non-zero integer/],
    [['ok', '--set', 'colour=red'], /error: Unknown answer "colour" for template demo/],
    [['ok', '--bogus'], /error: Unknown option '--bogus'. Run create-detml --help for usage./],
    [['ok', '--template', 'nope'], /error: Unknown template "nope" in template root/],
  ])('rejects bad input %j with one clear line and writes nothing', async (extra, message) => {
    const { cwd, args } = setup();
    const [dir, ...rest] = extra as string[];
    const r = await runCli([dir!, ...args, ...rest], { cwd });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n {4}at /); // no stack trace
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('prints help and version without loading the create command', async () => {
    const { cwd } = setup();
    const help = await runCli(['--help'], { cwd });
    expect(help.code).toBe(0);
    for (const flag of [
      '--template',
      '--name',
      '--yes',
      '--no-interactive',
      '--no-git',
      '--no-install',
      '--force',
      '--set',
      '--template-root',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const version = await runCli(['--version'], { cwd });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(BIN, '..', 'package.json'), 'utf8')).version);
  });

  it('an interrupted run leaves no project and no staging folder behind', async () => {
    const { cwd, args } = setup();
    const child = spawn(process.execPath, [BIN, 'interrupted', ...args], { cwd, env: cliEnv(), stdio: 'ignore' });
    // Wait until the staging folder exists, i.e. the run is half-way, then interrupt it like Ctrl-C does.
    const deadline = Date.now() + 20_000;
    while (!readdirSync(cwd).some((n) => n.includes('detml-staging')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(readdirSync(cwd).some((n) => n.includes('detml-staging'))).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
