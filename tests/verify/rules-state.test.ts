// Determinism env, seed and state rules (DETML010-012, DETML030-033): a failing fixture and a suppression for each.
import { describe, expect, it } from 'vitest';
import { availableTemplates } from '../../src/templates/registry.ts';
import { DETERMINISM_ENV } from '../../src/verify/rules/determinism-vars.ts';
import { edit, ignoreInFile, read, remove, renderProject, ruleResults, write } from './fixture.ts';

const templates = availableTemplates();

describe('DETML010 env/dockerfile', () => {
  it('flags a missing or wrong variable in the final stage (per template id in the state)', async () => {
    const dir = renderProject('onnx');
    edit(dir, 'Dockerfile', (t) =>
      t
        .replace('NVIDIA_TF32_OVERRIDE=0 \\\n', 'NVIDIA_TF32_OVERRIDE=1 \\\n')
        .replace('    CUBLAS_WORKSPACE_CONFIG=:4096:8 \\\n', ''),
    );
    const { found } = await ruleResults(dir, 'DETML010');
    expect(found.map((f) => f.message)).toEqual([
      'CUBLAS_WORKSPACE_CONFIG is not set (must be ":4096:8" or ":16:8") in the final stage; add ENV CUBLAS_WORKSPACE_CONFIG=… after the last FROM.',
      'NVIDIA_TF32_OVERRIDE is "1" (must be "0") in the final stage; add ENV NVIDIA_TF32_OVERRIDE=… after the last FROM.',
    ]);
  });

  it('ENV in an earlier stage only counts when the final stage builds on it; suppressed above the FROM', async () => {
    const dir = renderProject('onnx');
    const text = read(dir, 'Dockerfile');
    write(
      dir,
      'Dockerfile',
      text
        .replace(/^ENV NVIDIA_TF32_OVERRIDE=0 \\\n/m, 'ENV ')
        .replace('WORKDIR /app\nCOPY package.json', 'ENV NVIDIA_TF32_OVERRIDE=0\nWORKDIR /app\nCOPY package.json'),
    );
    const { found } = await ruleResults(dir, 'DETML010');
    expect(found.map((f) => f.message.split(' ')[0])).toEqual(['NVIDIA_TF32_OVERRIDE']);
    // Above the final stage's FROM (the build stage starts from the same image).
    edit(dir, 'Dockerfile', (t) =>
      t.replace(
        /^FROM --platform=linux\/amd64 nvidia(?![^\n]* AS build)/m,
        '# detml-ignore env/dockerfile\nFROM --platform=linux/amd64 nvidia',
      ),
    );
    expect(await ruleResults(dir, 'DETML010')).toMatchObject({ found: [], suppressed: [{ path: 'Dockerfile' }] });
  });

  it.each(templates.filter((t) => t in DETERMINISM_ENV))(
    '%s: the table names variables its Dockerfile sets',
    async (id) => {
      const dir = renderProject(id);
      expect((await ruleResults(dir, 'DETML010')).found).toEqual([]);
      for (const v of DETERMINISM_ENV[id]!) expect(read(dir, 'Dockerfile')).toContain(v.name);
    },
  );
});

describe('DETML011 env/workflow', () => {
  it('flags a container job that lacks a variable; suppressed by a comment on the container image line', async () => {
    const dir = renderProject('onnx');
    edit(dir, '.github/workflows/gpu.yml', (t) => t.replace('      CUBLAS_WORKSPACE_CONFIG: ":4096:8"\n', ''));
    const { found } = await ruleResults(dir, 'DETML011');
    expect(found.map((f) => f.message)).toEqual([
      'Job "gpu" runs in nvidia/cuda:13.0.3-cudnn-runtime-ubuntu24.04 but CUBLAS_WORKSPACE_CONFIG is not set (must be ":4096:8" or ":16:8"); add it to the job\'s env:.',
    ]);
    edit(dir, '.github/workflows/gpu.yml', (t) =>
      t.replace(/(      image: nvidia\S+)/, '$1 # detml-ignore DETML011 -- set by the runner'),
    );
    expect(await ruleResults(dir, 'DETML011')).toMatchObject({
      found: [],
      suppressed: [{ suppression: { justification: 'set by the runner' } }],
    });
  });

  it('without container jobs, some workflow must still set each variable', async () => {
    const dir = renderProject('onnx');
    remove(dir, '.github/workflows/gpu.yml');
    expect((await ruleResults(dir, 'DETML011')).found.map((f) => `${f.path}: ${f.message.split(' (')[0]}`)).toEqual([
      '.github/workflows/ci.yml: No workflow sets CUBLAS_WORKSPACE_CONFIG as required',
      '.github/workflows/ci.yml: No workflow sets NVIDIA_TF32_OVERRIDE as required',
    ]);
  });
});

describe('DETML012 seed/nonzero', () => {
  it('flags a zero seed answer; suppressed through .detml/verify.json', async () => {
    const dir = renderProject('onnx');
    edit(dir, '.detml/state.json', (t) => t.replace('"seed": 1234', '"seed": 0'));
    const { found } = await ruleResults(dir, 'DETML012');
    expect(found.map((f) => [f.path, f.line > 1, f.message])).toEqual([
      ['.detml/state.json', true, 'Answer "seed" is 0; it must be a non-zero integer.'],
    ]);
    ignoreInFile(dir, 'seed/nonzero');
    expect((await ruleResults(dir, 'DETML012')).suppressed).toHaveLength(1);
  });
});

describe('state rules', () => {
  it('DETML030 state/owned-unchanged: an edited and a deleted owned file; seeded files may change', async () => {
    const dir = renderProject('onnx');
    edit(dir, 'src/detml/env.ts', (t) => `${t}// local tweak\n`);
    edit(dir, 'src/main.ts', (t) => `${t}// seeded: mine now\n`);
    remove(dir, 'scripts/check-pins.mjs');
    const { found } = await ruleResults(dir, 'DETML030');
    expect(found.map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual([
      expect.stringMatching(
        /^\.detml\/state\.json:\d+ scripts\/check-pins\.mjs is owned by the template but missing; restore it/,
      ),
      'src/detml/env.ts:1 src/detml/env.ts is owned by the template but was edited (sha256 differs from .detml/state.json).',
    ]);
    edit(dir, 'src/detml/env.ts', (t) => `// detml-ignore DETML030 -- upstreaming\n${t}`);
    ignoreInFile(dir, 'DETML030', ['.detml/state.json']);
    expect(await ruleResults(dir, 'DETML030')).toMatchObject({
      found: [],
      suppressed: [{ suppression: { kind: 'external' } }, { suppression: { kind: 'inSource' } }],
    });
  });

  it('DETML031 state/merge-markers: markers at line start only; suppressed on the line above', async () => {
    const dir = renderProject('onnx');
    edit(
      dir,
      'README.md',
      (t) => `${t}<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\nquoted: <<<<<<< not a marker\n`,
    );
    const { found } = await ruleResults(dir, 'DETML031');
    expect(found.map((f) => f.message)).toEqual([
      'Merge conflict marker "<<<<<<<" left in README.md.',
      'Merge conflict marker ">>>>>>>" left in README.md.',
    ]);
    edit(dir, 'README.md', (t) =>
      t
        .replace('<<<<<<< ours', '<!-- detml-ignore DETML031 -->\n<<<<<<< ours')
        .replace('>>>>>>> theirs\n', '<!-- detml-ignore DETML031 -->\n>>>>>>> theirs\n'),
    );
    expect((await ruleResults(dir, 'DETML031')).found).toEqual([]);
  });

  it('DETML032 state/valid: missing or corrupt state file; other state rules then stay quiet', async () => {
    const dir = renderProject('onnx');
    edit(dir, '.detml/state.json', (t) => t.replace('"schema": 1', '"schema": 99'));
    const result = await ruleResults(dir, 'DETML032');
    expect(result.found.map((f) => f.message)).toEqual([
      '.detml/state.json is corrupt: schema 99 is newer than this create-detml understands (1); upgrade create-detml. Restore it from git (git checkout -- .detml/state.json) and retry.',
    ]);
    remove(dir, '.detml/state.json');
    expect((await ruleResults(dir, 'DETML032')).found.map((f) => f.message)).toEqual(['.detml/state.json is missing']);
    ignoreInFile(dir, 'DETML032');
    expect((await ruleResults(dir, 'DETML032')).suppressed).toHaveLength(1);
  });

  it('DETML033 file/parse: a workflow that is not YAML', async () => {
    const dir = renderProject('onnx');
    edit(dir, '.github/workflows/ci.yml', (t) => t.replace('jobs:\n', 'jobs: [\n'));
    const { found } = await ruleResults(dir, 'DETML033');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/^\.github\/workflows\/ci\.yml is not valid YAML: /);
    ignoreInFile(dir, 'file/parse', ['.github/workflows/*.yml']);
    expect((await ruleResults(dir, 'DETML033')).found).toEqual([]);
  });
});
