import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { timeInterleaved, type Timing } from './harness.ts';
import { installPeers } from './peers.ts';

/** Whole-process timings of create-detml next to bare Node, create-vite and create-t3-app, in one interleaved run. */
export function benchStartup(bin: string, scratch: string, runs: number): Timing[] {
  const peers = installPeers(join(scratch, 'peers'));
  const work = join(scratch, 'work');
  mkdirSync(work, { recursive: true });
  const fresh = (name: string) => () => rmSync(join(work, name), { recursive: true, force: true });
  const env = { ...process.env, CI: '1' };
  return timeInterleaved(
    [
      { name: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: work },
      { name: 'create-detml --help', argv: [process.execPath, bin, '--help'], cwd: work },
      { name: 'create-detml --version', argv: [process.execPath, bin, '--version'], cwd: work },
      {
        name: 'create-detml create (onnx)',
        argv: [process.execPath, bin, 'demo', '--template', 'onnx', '--yes', '--no-install', '--no-git'],
        cwd: work,
        env,
        prepare: fresh('demo'),
      },
      // The first run on a machine compiles the bundle without V8's code cache (and writes it): shown, not a target.
      {
        name: 'create-detml create (onnx), no code cache',
        argv: [process.execPath, bin, 'demo-cold', '--template', 'onnx', '--yes', '--no-install', '--no-git'],
        cwd: work,
        env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' },
        prepare: fresh('demo-cold'),
      },
      {
        name: 'create-vite (react-ts)',
        argv: [
          process.execPath,
          peers.vite,
          'vite-app',
          '--template',
          'react-ts',
          '--no-interactive',
          '--no-immediate',
        ],
        cwd: work,
        env,
        prepare: fresh('vite-app'),
      },
      {
        name: 'create-t3-app',
        argv: [process.execPath, peers.t3, 't3-app', '--CI', '--noGit', '--noInstall'],
        cwd: work,
        env,
        prepare: fresh('t3-app'),
      },
    ],
    runs,
  );
}
