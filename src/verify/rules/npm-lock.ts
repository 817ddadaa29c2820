import semverSatisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import type { Project } from '../project.ts';
import { finding, type Finding, type Rule } from '../types.ts';

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

type Manifest = Partial<Record<(typeof SECTIONS)[number], Record<string, string>>> & { engines?: { node?: unknown } };

/** package.json parsed, or undefined for projects without one (Python templates); a parse error is a finding. */
export function readManifest(project: Project, rule: Rule, out: Finding[]): Manifest | undefined {
  const text = project.text('package.json');
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    out.push(finding(rule, 'package.json', `package.json is not valid JSON (${(error as Error).message}).`));
    return undefined;
  }
}

/** DETML004: package.json names exact versions (no ^, ~, ranges, tags or URLs). */
export const npmExact: Rule = {
  id: 'DETML004',
  name: 'lock/npm-exact',
  summary: 'package.json dependencies use exact versions',
  help: 'A range lets a fresh install pick other code. Write the exact version ("1.2.3"), then npm install to refresh the lockfile.',
  run(project: Project): Finding[] {
    const out: Finding[] = [];
    const manifest = readManifest(project, this, out);
    for (const section of SECTIONS) {
      for (const [name, spec] of Object.entries(manifest?.[section] ?? {})) {
        if (EXACT.test(spec) || spec.startsWith('file:')) continue;
        out.push(
          finding(
            this,
            'package.json',
            `${section}: ${name} is "${spec}", not an exact version; write the version package-lock.json has.`,
            { line: project.lineOf('package.json', `"${name}"`) },
          ),
        );
      }
    }
    return out;
  },
};

/** DETML005: package-lock.json exists, matches package.json and has an integrity hash for every package. */
export const npmLockfile: Rule = {
  id: 'DETML005',
  name: 'lock/npm-lockfile',
  summary: 'package-lock.json is present, matches package.json and pins every package by integrity',
  help: 'Run npm install (npm 7+) and commit package-lock.json; npm ci then installs exactly those bytes.',
  run(project: Project): Finding[] {
    const out: Finding[] = [];
    const manifest = readManifest(project, this, out);
    if (!manifest) return out;
    const lockPath = project.has('npm-shrinkwrap.json') ? 'npm-shrinkwrap.json' : 'package-lock.json';
    const text = project.text(lockPath);
    if (text === undefined)
      return [finding(this, 'package.json', 'package-lock.json is missing; run npm install and commit it.')];
    let lock: {
      lockfileVersion?: number;
      packages?: Record<
        string,
        { version?: string; integrity?: string; link?: boolean; inBundle?: boolean } & Manifest
      >;
    };
    try {
      lock = JSON.parse(text);
    } catch (error) {
      return [finding(this, lockPath, `${lockPath} is not valid JSON (${(error as Error).message}); run npm install.`)];
    }
    if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) {
      return [
        finding(
          this,
          lockPath,
          `${lockPath} has lockfileVersion ${lock.lockfileVersion}; regenerate it with npm 7 or newer (version 3).`,
        ),
      ];
    }
    const rootEntry = lock.packages[''] ?? {};
    for (const section of SECTIONS) {
      const want = manifest[section] ?? {};
      const have = rootEntry[section] ?? {};
      for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
        if (want[name] !== have[name]) {
          out.push(
            finding(
              this,
              lockPath,
              `${section}: package.json has ${name}@${want[name] ?? '(none)'} but ${lockPath} records ${have[name] ?? '(none)'}; run npm install.`,
              { line: project.lineOf(lockPath, `"${name}"`) },
            ),
          );
        }
      }
      for (const [name, version] of Object.entries(want)) {
        const locked = lock.packages[`node_modules/${name}`];
        if (EXACT.test(version) && locked?.version !== version) {
          out.push(
            finding(
              this,
              lockPath,
              `${name} is locked at ${locked?.version ?? '(absent)'} but package.json wants ${version}; run npm install.`,
              { line: project.lineOf(lockPath, `"node_modules/${name}"`) },
            ),
          );
        }
      }
    }
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (!key.includes('node_modules/') || entry.link || entry.inBundle) continue;
      if (!entry.integrity) {
        out.push(
          finding(this, lockPath, `${key} has no "integrity" hash; delete it from the lockfile and run npm install.`, {
            line: project.lineOf(lockPath, `"${key}"`),
          }),
        );
      }
    }
    return out;
  },
};

/** DETML006: Node projects pin the Node version: `engines.node` in package.json and an exact `.nvmrc` inside it. */
export const nodeVersion: Rule = {
  id: 'DETML006',
  name: 'lock/node-version',
  summary: 'package.json engines.node and an exact .nvmrc are set',
  help: 'V8 Math and float formatting change between Node releases. Set "engines": {"node": ">=X"} and put the exact version (e.g. 20.20.2) in .nvmrc.',
  run(project: Project): Finding[] {
    const out: Finding[] = [];
    const manifest = readManifest(project, this, out);
    if (!manifest) return out;
    const engines = manifest.engines?.node;
    if (typeof engines !== 'string' || engines.trim() === '')
      out.push(
        finding(
          this,
          'package.json',
          'package.json has no "engines": {"node": …}; add the Node versions the project supports.',
        ),
      );
    const nvmrc = project.text('.nvmrc')?.trim();
    if (nvmrc === undefined)
      out.push(
        finding(
          this,
          'package.json',
          '.nvmrc is missing; write the exact Node version CI and Docker use (e.g. 20.20.2).',
        ),
      );
    else if (!/^v?\d+\.\d+\.\d+$/.test(nvmrc))
      out.push(finding(this, '.nvmrc', `.nvmrc says "${nvmrc}", not an exact version like 20.20.2.`));
    else if (typeof engines === 'string' && satisfies(nvmrc.replace(/^v/, ''), engines) === false) {
      out.push(
        finding(this, '.nvmrc', `.nvmrc's ${nvmrc} does not satisfy engines.node "${engines}"; make them agree.`),
      );
    }
    return out;
  },
};

/** Checks a version against an npm range (semver's own matcher: `20.x`, `~20`, `20 - 22`, `||`); undefined when unparseable. */
export function satisfies(version: string, range: string): boolean | undefined {
  if (validRange(range) === null) return undefined;
  return semverSatisfies(version, range);
}
