// An image answer and its digest travel together: at create (default table, real registry, or a one-line refusal)
// and in verify (DETML008: a recorded digest that is another tag's default digest).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../../src/pins/defaults.ts';
import { readState } from '../../src/state/state-file.ts';
import { renderPair } from '../../sync/render-pair.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { GENERATOR_VERSION } from '../../src/version.ts';
import {
  freePort,
  hasDockerRegistry,
  pushTestImage,
  startRegistry,
  type PushedImage,
  type TestRegistry,
} from '../helpers/registry.ts';
import { runCli } from '../helpers/run-cli.ts';
import { suiteTempDir, tempDir } from '../helpers/tmp.ts';
import { renderProject, ruleResults } from '../verify/fixture.ts';

const defaultOf = (id: string, name: string) =>
  String(resolveTemplate(id).manifest.questions.find((q) => q.name === name)!.default);
const ONNX_DIGEST = defaultOf('onnx', 'cudaImageDigest');
const TFJS_TAG = defaultOf('tfjs', 'cudaImage');
const TFJS_DIGEST = defaultOf('tfjs', 'cudaImageDigest');

let registry: TestRegistry;
let pushed: PushedImage;

beforeAll(async () => {
  if (!hasDockerRegistry()) throw new Error('These tests need a real registry: apt-get install -y docker-registry');
  const dir = suiteTempDir('detml-pairs-');
  mkdirSync(join(dir, 'storage'));
  registry = await startRegistry(dir, join(dir, 'storage'));
  pushed = await pushTestImage(registry.url, 'nvidia/cuda', '13.9.9-cudnn-runtime-test');
});

afterAll(() => registry?.stop());

describe('create: an image tag never keeps another tag’s digest', () => {
  it('a tag from the default table gets the table’s digest, not the template default’s', async () => {
    const r = await createOnnx(`cudaImage=${TFJS_TAG}`);
    expect(r.result.stderr).toBe('');
    expect(r.result.code).toBe(0);
    expect(r.answers().cudaImageDigest).toBe(TFJS_DIGEST);
    expect(r.answers().cudaImageDigest).toBe(DEFAULT_PINS[TFJS_TAG]!.indexDigest);
  });

  it('any other tag is resolved through the registry', async () => {
    const tag = `${registry.host}/nvidia/cuda:13.9.9-cudnn-runtime-test`;
    const r = await createOnnx(`cudaImage=${tag}`);
    expect(r.result.stderr).toBe('');
    expect(r.result.code).toBe(0);
    expect(r.answers()).toMatchObject({ cudaImage: tag, cudaImageDigest: pushed.index });
    expect(r.answers().cudaImageDigest).not.toBe(ONNX_DIGEST);
  });

  it('a tag the registry cannot resolve is refused in one line naming --set cudaImageDigest=…', async () => {
    const port = await freePort();
    const r = await createOnnx(`cudaImage=127.0.0.1:${port}/nvidia/cuda:1.0`);
    expect(r.result.code).toBe(2);
    expect(r.result.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.result.stderr).toMatch(
      /^error: --set cudaImage=127\.0\.0\.1:\d+\/nvidia\/cuda:1\.0 needs its digest.*pass --set cudaImageDigest=sha256:/,
    );
    const missing = await createOnnx(`cudaImage=${registry.host}/nvidia/cuda:no-such-tag`);
    expect(missing.result.code).toBe(2);
    expect(missing.result.stderr).toMatch(/--set cudaImageDigest=sha256:/);
  });

  it('a tag given with its digest is taken as given (no lookup)', async () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    const r = await createOnnx('cudaImage=127.0.0.1:1/x/y:1', `cudaImageDigest=${digest}`);
    expect(r.result.code, r.result.stderr).toBe(0);
    expect(r.answers().cudaImageDigest).toBe(digest);
  });
});

describe('sync --set: the image’s digest follows it (offline: the default table, or a one-line refusal)', () => {
  const onnx = resolveTemplate('onnx');
  const state = () => readState(renderProject('onnx'));

  it('a tag from the default table brings that digest; the recorded tag keeps the recorded digest', () => {
    expect(renderPair(state(), onnx, onnx, { cudaImage: TFJS_TAG }, GENERATOR_VERSION).nextAnswers).toMatchObject({
      cudaImage: TFJS_TAG,
      cudaImageDigest: TFJS_DIGEST,
    });
    expect(renderPair(state(), onnx, onnx, { seed: 7 }, GENERATOR_VERSION).nextAnswers.cudaImageDigest).toBe(
      ONNX_DIGEST,
    );
  });

  it('any other tag without its digest is refused in one line naming --set cudaImageDigest=…', () => {
    expect(() => renderPair(state(), onnx, onnx, { cudaImage: 'nvidia/cuda:13.9.9-x' }, GENERATOR_VERSION)).toThrow(
      /^--set cudaImage=nvidia\/cuda:13\.9\.9-x needs its digest: pass --set cudaImageDigest=sha256:<digest> as well \(create-detml pins resolve nvidia\/cuda:13\.9\.9-x prints it\)\.$/,
    );
    const digest = `sha256:${'3'.repeat(64)}`;
    expect(
      renderPair(state(), onnx, onnx, { cudaImage: 'nvidia/cuda:13.9.9-x', cudaImageDigest: digest }, GENERATOR_VERSION)
        .nextAnswers.cudaImageDigest,
    ).toBe(digest);
  });
});

describe('verify DETML008 pin/digest-of-tag', () => {
  it('flags a recorded digest that is the default digest of another tag', async () => {
    const dir = renderProject('onnx', { cudaImage: TFJS_TAG, cudaImageDigest: ONNX_DIGEST });
    const { found } = await ruleResults(dir, 'DETML008');
    const fromFinding = `${TFJS_TAG} is pinned to the digest of ${defaultOf('onnx', 'cudaImage')}; resolve ${TFJS_TAG} (create-detml pins resolve ${TFJS_TAG}) and pin that.`;
    expect(found).toHaveLength(4);
    expect(found.map((f) => [f.path, f.message])).toEqual(
      expect.arrayContaining([
        ['Dockerfile', fromFinding],
        ['Dockerfile', fromFinding],
        ['.github/workflows/gpu.yml', fromFinding],
        [
          '.detml/state.json',
          `Answer "cudaImageDigest" is ${ONNX_DIGEST}, the digest of ${defaultOf('onnx', 'cudaImage')}, not of "cudaImage" ${TFJS_TAG}; resolve ${TFJS_TAG} and set both answers.`,
        ],
      ]),
    );
  });

  it('passes the defaults, a matching pair, and digests it cannot know', async () => {
    for (const id of ['onnx', 'tfjs', 'vllm'])
      expect((await ruleResults(renderProject(id), 'DETML008')).found).toEqual([]);
    expect(
      (await ruleResults(renderProject('onnx', { cudaImage: TFJS_TAG, cudaImageDigest: TFJS_DIGEST }), 'DETML008'))
        .found,
    ).toEqual([]);
    expect(
      (
        await ruleResults(
          renderProject('onnx', { cudaImage: 'x/y:1', cudaImageDigest: `sha256:${'2'.repeat(64)}` }),
          'DETML008',
        )
      ).found,
    ).toEqual([]);
  });
});

/** Runs a create in a fresh folder and reads the created project's recorded answers. */
// Creates an onnx project named app (no install, no git) with the given `--set` answers.
async function createOnnx(...sets: string[]) {
  const cwd = tempDir();
  const args = ['app', '--template', 'onnx', '--yes', '--no-install', '--no-git', ...sets.flatMap((s) => ['--set', s])];
  const result = await runCli(args, { cwd, timeoutMs: 60_000 });
  return { result, answers: () => readState(join(cwd, 'app')).answers };
}
