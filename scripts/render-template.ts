// Renders a template folder into an output folder without the CLI, for template authors:
//   npx vite-node scripts/render-template.ts templates/onnx /tmp/out name=demo seed=7
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseSetFlags, resolveAnswers } from '../src/templates/answers.ts';
import { loadManifest } from '../src/templates/manifest.ts';
import { renderedBytes, renderTemplate, treeHash } from '../src/templates/render.ts';

const [templateDir, outDir, ...pairs] = process.argv.slice(2);
if (!templateDir || !outDir) throw new Error('usage: render-template.ts <templateDir> <outDir> [key=value ...]');
const manifest = loadManifest(templateDir);
const answers = resolveAnswers(manifest, parseSetFlags(pairs));
const tree = renderTemplate(templateDir, answers, manifest);
rmSync(outDir, { recursive: true, force: true });
for (const file of tree) {
  const target = join(outDir, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, renderedBytes(file));
  chmodSync(target, file.mode);
}
console.log(`${manifest.id}@${manifest.version}: ${tree.length} files, tree ${treeHash(tree)}`);
