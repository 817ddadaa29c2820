import { DIGEST } from '../../pins/image-ref.ts';
import type { Project } from '../project.ts';
import { finding, type Finding, type Rule } from '../types.ts';

/** The vLLM template's lock: image digest plus model and tokenizer revisions. */
export const MODEL_LOCK = 'detml.lock.json';

const REVISION = /^[0-9a-f]{40}$/;

interface ModelLock {
  image?: { ref?: unknown; digest?: unknown };
  model?: { id?: unknown; revision?: unknown; tokenizerRevision?: unknown };
}

/** DETML007: the model lock pins the image by digest and the model (and tokenizer) by a 40-hex commit. */
export const modelLock: Rule = {
  id: 'DETML007',
  name: 'lock/model-lock',
  summary: 'detml.lock.json pins the image digest and 40-hex model revisions',
  help: 'Branches like "main" move. Put the model repository commit (40 hex) in detml.config.json and re-run the lock step; keep the image digest equal to the Dockerfile FROM.',
  run(project: Project): Finding[] {
    const needsLock = project.templateId() === 'vllm';
    const text = project.text(MODEL_LOCK);
    if (text === undefined)
      return needsLock
        ? [
            finding(
              this,
              MODEL_LOCK,
              `${MODEL_LOCK} is missing; restore it (git checkout -- ${MODEL_LOCK}) or re-create it with the lock command.`,
            ),
          ]
        : [];
    let lock: ModelLock;
    try {
      lock = JSON.parse(text) as ModelLock;
    } catch (error) {
      return [finding(this, MODEL_LOCK, `${MODEL_LOCK} is not valid JSON (${(error as Error).message}).`)];
    }
    const out: Finding[] = [];
    const at = (key: string) => ({ line: project.lineOf(MODEL_LOCK, `"${key}"`) });
    const digest = lock.image?.digest;
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      out.push(
        finding(
          this,
          MODEL_LOCK,
          `image.digest is ${JSON.stringify(digest)}, not sha256:<64 hex>; pin the image by digest.`,
          at('digest'),
        ),
      );
    } else {
      for (const path of project.dockerfiles()) {
        const froms = project
          .dockerStages(path)
          .map((s) => s.from)
          .filter((f) => !f.refersToStage);
        const last = froms[froms.length - 1];
        if (last?.digest && last.digest !== digest) {
          out.push(
            finding(
              this,
              MODEL_LOCK,
              `image.digest ${digest} differs from ${path}'s FROM digest ${last.digest}; update both together (create-detml pins update).`,
              at('digest'),
            ),
          );
        }
      }
    }
    for (const key of ['revision', 'tokenizerRevision'] as const) {
      const value = lock.model?.[key];
      if (key === 'tokenizerRevision' && value === undefined) continue;
      if (typeof value !== 'string' || !REVISION.test(value)) {
        out.push(
          finding(
            this,
            MODEL_LOCK,
            `model.${key} is ${JSON.stringify(value)}, not a 40-hex commit; use the model repository's full commit id, never a branch or tag.`,
            at(key),
          ),
        );
      }
    }
    return out;
  },
};
