// The fixed render inputs that template tree hashes are taken with, shared by the tree-hash test and the release
// check so both compare like with like.
import type { RawAnswers } from '../src/templates/answers.ts';
import type { TemplateManifest } from '../src/templates/manifest.ts';
import type { RenderInputs } from '../src/templates/render.ts';

/** The generator version every hashed render uses; never change it (recorded hashes depend on it). */
export const HASHED_INPUTS: RenderInputs = { generatorVersion: '0.0.0' };

/**
 * Answer sets that reach every branch a question can switch: all defaults, then each boolean flipped and each other
 * choice of a select, one at a time (raw answers, resolved against each manifest by the caller).
 */
export function answerSets(manifest: TemplateManifest): { label: string; answers: RawAnswers }[] {
  const sets: { label: string; answers: RawAnswers }[] = [{ label: 'defaults', answers: {} }];
  for (const q of manifest.questions) {
    if (q.type === 'boolean') sets.push({ label: `${q.name}=${!q.default}`, answers: { [q.name]: !q.default } });
    if (q.type === 'select') {
      for (const choice of q.choices ?? []) {
        if (choice !== q.default) sets.push({ label: `${q.name}=${choice}`, answers: { [q.name]: choice } });
      }
    }
  }
  return sets;
}
