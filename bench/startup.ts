import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setAside, timeInterleaved, usersEnv, type Timing } from './harness.ts';
import { installPeers } from './peers.ts';

const EXTRA_CA_CERTS_NODE = 'node -e 0, with NODE_EXTRA_CA_CERTS';

/** Whole-process timings of create-detml next to bare Node, create-vite and create-t3-app, in one interleaved run. */
export function benchStartup(bin: string, scratch: string, runs: number): Timing[] {
  const peers = installPeers(join(scratch, 'peers'));
  const work = join(scratch, 'work');
  mkdirSync(work, { recursive: true });
  const graveyard = join(scratch, 'set-aside');
  const aside = setAside(graveyard);
  const fresh = (name: string) => aside(join(work, name));
  const env = usersEnv();
  const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS
    ? [{ name: EXTRA_CA_CERTS_NODE, argv: [process.execPath, '-e', '0'], cwd: work }]
    : [];
  const timings = timeInterleaved(
    [
      { name: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: work, env },
      ...extraCaCerts,
      { name: 'create-detml --help', argv: [process.execPath, bin, '--help'], cwd: work, env },
      { name: 'create-detml --version', argv: [process.execPath, bin, '--version'], cwd: work, env },
      {
        name: 'create-detml create (onnx)',
        argv: [process.execPath, bin, 'demo', '--template', 'onnx', '--yes', '--no-install', '--no-git'],
        cwd: work,
        env,
        prepare: fresh('demo'),
      },
      // The first run on a machine compiles the bundle without V8's code cache (NODE_DISABLE_COMPILE_CACHE is Node's
      // own switch, and src/code-cache.ts honours it on Node 20 too).
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
  rmSync(graveyard, { recursive: true, force: true });
  return timings;
}

/** The start-up targets of issue 20 (ratio ceilings), each against the floor it is measured next to. */
export const STARTUP_TARGETS = { warm: 1.5, firstRun: 2, t3: 0.5, helpVersion: 1.3 } as const;

/** Table rows (measure | value | ratio | target | status) for the start-up timings of one interleaved run. */
export function formatStartup(timings: Timing[]): string[] {
  const t = Object.fromEntries(timings.map((x) => [x.name, x.medianMs]));
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const row = (what: string, value: number, floor: number, target: number, against: string) =>
    `| ${what} | ${ms(value)} | ${(value / floor).toFixed(2)}× ${against} | ≤ ${target}× | ${value / floor <= target ? 'met' : '**not met**'} |`;
  const create = t['create-detml create (onnx)']!;
  const vite = t['create-vite (react-ts)']!;
  const node = t['node -e 0']!;
  return [
    row(
      '`create-detml demo --template onnx --yes --no-install --no-git`',
      create,
      vite,
      STARTUP_TARGETS.warm,
      `create-vite (${ms(vite)})`,
    ),
    row(
      'same, first run on a machine (no code cache yet: `NODE_DISABLE_COMPILE_CACHE=1`)',
      t['create-detml create (onnx), no code cache']!,
      vite,
      STARTUP_TARGETS.firstRun,
      `create-vite (${ms(vite)})`,
    ),
    row(
      'same, against create-t3-app `--CI --noGit --noInstall`',
      create,
      t['create-t3-app']!,
      STARTUP_TARGETS.t3,
      `create-t3-app (${ms(t['create-t3-app']!)})`,
    ),
    row(
      '`create-detml --help`',
      t['create-detml --help']!,
      node,
      STARTUP_TARGETS.helpVersion,
      `\`node -e 0\` (${ms(node)})`,
    ),
    row(
      '`create-detml --version`',
      t['create-detml --version']!,
      node,
      STARTUP_TARGETS.helpVersion,
      `\`node -e 0\` (${ms(node)})`,
    ),
  ];
}

/** A sentence on how this machine's NODE_EXTRA_CA_CERTS would have changed the runs (empty where it is not set). */
export function startupNote(timings: Timing[]): string {
  const t = Object.fromEntries(timings.map((x) => [x.name, x.medianMs]));
  const withCerts = t[EXTRA_CA_CERTS_NODE];
  if (withCerts === undefined) return '';
  return `This machine sets NODE_EXTRA_CA_CERTS: \`node -e 0\` takes ${withCerts.toFixed(0)} ms with it, ${t['node -e 0']!.toFixed(0)} ms without; every command above ran without it (bench/startup.ts).`;
}
