// The release check against a real npm registry (verdaccio on 127.0.0.1) holding the previous release, published
// with the npm client: unchanged templates pass, bumped ones with a changelog entry pass, and a template whose
// output changed under the same version fails with one line that says what to do.
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { runServer } from 'verdaccio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseCheck } from '../../scripts/release-against-registry.ts';
import { ROOT, TEMPLATES_DIR } from '../helpers/paths.ts';
import { suiteTempDir, tempDir } from '../helpers/tmp.ts';

const PREVIOUS = '0.9.0';
let registry = '';
let server: Server | undefined;

/** A package folder like a checkout: package.json plus a copy of this repository's templates. */
function packageCopy(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'create-detml', version, files: ['templates'] }, null, 2)}\n`,
  );
  cpSync(TEMPLATES_DIR, join(dir, 'templates'), { recursive: true });
  return dir;
}

/** Sets a template's version and, when given, adds that version's changelog entry. */
function bump(root: string, id: string, version: string, changelog: boolean): void {
  const manifestFile = join(root, 'templates', id, 'template.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { version: string };
  writeFileSync(manifestFile, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
  if (!changelog) return;
  const file = join(root, 'templates', id, 'CHANGELOG.md');
  const [title, ...rest] = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, [title, '', `## ${version}`, '', '- A change.', ...rest].join('\n'));
}

const check = (root: string, tag = 'latest') => releaseCheck({ root, name: 'create-detml', tag, registry });
const currentVersion = (id: string) =>
  (JSON.parse(readFileSync(join(TEMPLATES_DIR, id, 'template.json'), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  const home = suiteTempDir('detml-verdaccio-');
  const app = await runServer({
    self_path: home,
    storage: join(home, 'storage'),
    uplinks: {},
    packages: { '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' } },
    auth: { htpasswd: { file: join(home, 'htpasswd'), max_users: 1 } },
    logs: { type: 'stdout', format: 'pretty', level: 'error' },
  } as unknown as Parameters<typeof runServer>[0]);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // A publisher account, as `npm adduser` creates it; its token lives only in this suite's npm user config.
  const signup = await fetch(`${registry}-/user/org.couchdb.user:releaser`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'releaser', password: 'release-check-password' }),
  });
  const { token } = (await signup.json()) as { token: string };
  const npmrc = join(home, 'npmrc');
  writeFileSync(npmrc, `${registry.replace(/^http:/, '')}:_authToken=${token}\n`);
  // The previous release: this repository's templates as they are now, packed and published with npm.
  const previous = packageCopy(join(home, 'previous'), PREVIOUS);
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', home], { cwd: previous });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  await execa('npm', ['publish', join(home, filename), '--registry', registry, '--userconfig', npmrc], { cwd: home });
}, 120_000);

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('release check against the last published version', () => {
  it('this checkout passes: every template renders byte-identically to the published one', async () => {
    const result = await check(ROOT);
    expect(result.published).toBe(`create-detml@${PREVIOUS}`);
    expect(result.verdicts.map((v) => v.line)).toEqual(
      ['onnx', 'tfjs', 'vllm'].map(
        (id) => `${id} ${currentVersion(id)}: renders byte-identically to create-detml@${PREVIOUS}`,
      ),
    );
    expect(result.ok).toBe(true);
  });

  it('a changed template with a new version and a changelog entry passes', async () => {
    const root = packageCopy(tempDir(), '1.0.0');
    appendFileSync(join(root, 'templates', 'onnx', 'files', 'README.md.hbs'), '\nA new paragraph.\n');
    bump(root, 'onnx', '9.0.0', true);
    const result = await check(root);
    expect(result.ok).toBe(true);
    expect(result.verdicts.find((v) => v.id === 'onnx')?.line).toBe(
      `onnx ${currentVersion('onnx')} -> 9.0.0: new version, changelog entry present`,
    );
  });

  it('a changed template under the same version fails with one line naming the fix', async () => {
    const root = packageCopy(tempDir(), '1.0.0');
    appendFileSync(join(root, 'templates', 'onnx', 'files', 'README.md.hbs'), '\nA new paragraph.\n');
    const result = await check(root);
    expect(result.ok).toBe(false);
    const v = currentVersion('onnx');
    expect(result.verdicts.filter((x) => !x.ok).map((x) => x.line)).toEqual([
      `onnx ${v}: differs from create-detml@${PREVIOUS} under the same version (render with answers defaults); bump "version" in templates/onnx/template.json (e.g. 1.4.0) and add a "## 1.4.0" entry to templates/onnx/CHANGELOG.md.`.replace(
        /1\.4\.0/g,
        nextMinor(v),
      ),
    ]);
  });

  it('the npm script exits 1 and prints that one line', async () => {
    const root = packageCopy(tempDir(), '1.0.0');
    writeFileSync(join(root, 'templates', '_common', 'files', 'NOTICE'), 'shared by every template\n');
    const run = await execa('npm', ['run', '--silent', 'release:check', '--', '--registry', registry, '--root', root], {
      cwd: ROOT,
      reject: false,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`release check against create-detml@${PREVIOUS}:`);
    const failures = run.stderr.trim().split('\n');
    expect(failures).toHaveLength(3);
    for (const line of failures)
      expect(line).toMatch(
        /^FAIL (onnx|tfjs|vllm) \S+: differs from create-detml@0\.9\.0 under the same version \(render with answers defaults\); bump "version"/,
      );
  }, 60_000);

  it('a change only some answers reach is found too', async () => {
    const root = packageCopy(tempDir(), '1.0.0');
    writeFileSync(join(root, 'templates', 'tfjs', 'files', "{{when (eq backend 'cpu') 'CPU.md'}}"), 'cpu only\n');
    const result = await check(root);
    expect(result.verdicts.find((v) => v.id === 'tfjs')?.line).toMatch(
      /^tfjs \S+: differs from create-detml@0\.9\.0 under the same version \(render with answers backend=cpu\); bump/,
    );
  });

  it('a new version without a changelog entry fails, and so does a changed manifest under the same version', async () => {
    const root = packageCopy(tempDir(), '1.0.0');
    bump(root, 'vllm', '9.0.0', false);
    const manifestFile = join(root, 'templates', 'tfjs', 'template.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { nextSteps: string[] };
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, nextSteps: [...manifest.nextSteps, 'npm run more'] }));
    const lines = (await check(root)).verdicts.filter((v) => !v.ok).map((v) => v.line);
    expect(lines).toEqual([
      expect.stringMatching(
        /^tfjs \S+: differs from create-detml@0\.9\.0 under the same version \(template\.json\); bump "version"/,
      ),
      `vllm ${currentVersion('vllm')} -> 9.0.0: new version without a changelog entry; add a "## 9.0.0" entry to templates/vllm/CHANGELOG.md.`,
    ]);
  });

  it('with nothing published under the tag (a first release), templates need only their changelog entries', async () => {
    const result = await check(ROOT, 'never-published');
    expect(result.published).toBeUndefined();
    expect(result.ok).toBe(true);
  });
});

function nextMinor(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  return `${major}.${(minor ?? 0) + 1}.0`;
}
