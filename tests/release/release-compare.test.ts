// The comparison behind the release check, without a registry: which answer sets it renders, and what a first
// release (nothing published) needs.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTemplates } from '../../scripts/release-compare.ts';
import { answerSets } from '../../scripts/release-inputs.ts';
import { resolveTemplate } from '../../src/templates/registry.ts';
import { ROOT, TEMPLATES_DIR } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('answer sets', () => {
  it('are the defaults, each boolean flipped and each other choice of a select, one at a time', () => {
    expect(answerSets(resolveTemplate('vllm').manifest).map((s) => s.label)).toEqual(
      expect.arrayContaining(['defaults', 'batchInvariant=false', 'dtype=auto', 'dtype=float16', 'dtype=float32']),
    );
    expect(answerSets(resolveTemplate('vllm').manifest).map((s) => s.label)).not.toContain('dtype=bfloat16');
    expect(answerSets(resolveTemplate('tfjs').manifest)).toEqual(
      expect.arrayContaining([
        { label: 'backend=cpu', answers: { backend: 'cpu' } },
        { label: 'backend=tensorflow', answers: { backend: 'tensorflow' } },
      ]),
    );
  });
});

describe('with nothing published (a first release)', () => {
  it('this checkout passes: every template has its changelog entry', () => {
    const verdicts = compareTemplates({ root: ROOT });
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true]);
    expect(verdicts[0]?.line).toMatch(/^onnx \S+: new template \(first release\), changelog entry present$/);
  });

  it('a template without an entry for its version fails with one line', () => {
    const root = tempDir();
    cpSync(TEMPLATES_DIR, join(root, 'templates'), { recursive: true });
    const changelog = join(root, 'templates', 'vllm', 'CHANGELOG.md');
    const version = resolveTemplate('vllm').manifest.version;
    writeFileSync(changelog, readFileSync(changelog, 'utf8').replace(`## ${version}`, '## unreleased'));
    expect(
      compareTemplates({ root })
        .filter((v) => !v.ok)
        .map((v) => v.line),
    ).toEqual([
      `vllm ${version}: new template without a changelog entry; add a "## ${version}" entry to templates/vllm/CHANGELOG.md.`,
    ]);
  });
});
