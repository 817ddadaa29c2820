// What `create` loads decides how fast it starts (bench/README.md, "Where create's start-up went"): a run that needs
// no git, no install and no prompt loads none of the Node modules those need.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.ts';
import { cliEnv } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Runs the built CLI and returns the Node built-in modules it loaded. */
function builtinsLoadedBy(args: string[], cwd: string): string[] {
  const record = join(tempDir(), 'record.cjs');
  const out = join(tempDir(), 'modules.txt');
  writeFileSync(
    record,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.join('\\n')));\n`,
  );
  const r = spawnSync(process.execPath, ['--require', record, BIN, ...args], {
    cwd,
    env: cliEnv({ CI: '1' }),
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((m) => m.startsWith('NativeModule '))
    .map((m) => m.slice('NativeModule '.length));
}

describe('what create loads', () => {
  it('--help and --version load neither crypto nor vm (the bundle loader is not needed for them)', () => {
    for (const flag of ['--help', '--version']) {
      const loaded = builtinsLoadedBy([flag], tempDir());
      expect(loaded).toContain('fs'); // the list is real
      for (const name of ['crypto', 'vm']) expect(loaded, flag).not.toContain(name);
    }
  });

  it('--yes --no-git --no-install loads no child_process (nor the dgram it brings)', () => {
    const loaded = builtinsLoadedBy(['p', '--template', 'onnx', '--yes', '--no-git', '--no-install'], tempDir());
    expect(loaded).toContain('fs/promises'); // the list is real: yeoman's commit writes through it
    for (const name of ['child_process', 'dgram']) expect(loaded).not.toContain(name);
  });
});
