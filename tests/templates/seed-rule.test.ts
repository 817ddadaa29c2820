// Create-time validation equals run-time validation for the seed: the question's validator and the generated
// project's own config check accept exactly the same values (tested from both sides, on the same candidates).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate } from '../../src/templates/render.ts';
import { VALIDATORS } from '../../src/templates/validators.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Around every boundary a seed rule can have: zero, sign, 2^31, 2^32 and the largest safe integer. */
const CANDIDATES = [-(2 ** 32), -1, 0, 1, 1234, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];

function seedValidator(id: string) {
  const seed = resolveTemplate(id).manifest.questions.find((q) => q.name === 'seed')!;
  return VALIDATORS[seed.validate!];
}

describe('vllm seed: one rule at create and at run time', () => {
  const { dir: templateDir, manifest } = resolveTemplate('vllm');
  const project = () => {
    const dir = tempDir();
    for (const f of renderTemplate(templateDir, resolveAnswers(manifest, { name: 'seed_check' }), manifest)) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), renderedBytes(f));
    }
    return dir;
  };

  it('the generated project’s load_config accepts exactly the seeds the question accepts', () => {
    const dir = project();
    // One Python run judges every candidate with the project's own load_config on a real detml.config.json.
    const script = [
      'import json, sys, pathlib',
      'from seed_check.detml.config import load_config, ConfigError',
      'root = pathlib.Path(".")',
      'base = json.loads((root / "detml.config.json").read_text())',
      'out = []',
      'for seed in json.loads(sys.argv[1]):',
      '    (root / "detml.config.json").write_text(json.dumps({**base, "seed": seed}))',
      '    try:',
      '        load_config(root); out.append(True)',
      '    except ConfigError:',
      '        out.append(False)',
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, JSON.stringify(CANDIDATES)], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(run.status, run.stderr).toBe(0);
    const runtime: boolean[] = JSON.parse(run.stdout);
    const createTime = CANDIDATES.map((seed) => seedValidator('vllm')(seed) === undefined);
    expect(Object.fromEntries(CANDIDATES.map((s, i) => [s, createTime[i]]))).toEqual(Object.fromEntries(CANDIDATES.map((s, i) => [s, runtime[i]])));
    expect(runtime.filter(Boolean).length).toBeGreaterThan(0);
  });

  it.each(['-1', '0', String(2 ** 32)])('create refuses --set seed=%s with one line naming the range', async (seed) => {
    const cwd = tempDir();
    const r = await runCli(['app_x', '--template', 'vllm', '--yes', '--no-install', '--no-git', '--set', `seed=${seed}`], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/seed .*1 to 4294967295/);
  });
});

describe.each(['onnx', 'tfjs'])('%s seed: one rule at create and at run time', (id) => {
  it('the generated config check (src/detml/config.ts) accepts exactly the seeds the question accepts', async () => {
    const { dir: templateDir, manifest } = resolveTemplate(id);
    const source = renderTemplate(templateDir, resolveAnswers(manifest, { name: 'seed-check' }), manifest).find((f) => f.path === 'src/detml/config.ts')!;
    // The Node templates' rule is a one-line guard in config.ts; evaluate exactly that guard on every candidate.
    const guard = /if \((!Number\.isSafeInteger\(seed\) \|\| seed === 0)\) fail\('"seed" must be a non-zero integer/.exec(renderedBytes(source).toString('utf8'));
    expect(guard, 'the seed guard in config.ts changed: update this test and the question validator together').not.toBeNull();
    const runtimeAccepts = new Function('seed', `return !(${guard![1]});`) as (seed: number) => boolean;
    for (const seed of CANDIDATES) expect(seedValidator(id)(seed) === undefined, String(seed)).toBe(runtimeAccepts(seed));
  });
});
