import { digestOfOtherTag } from '../../pins/answer-digests.ts';
import { STATE_PATH } from '../../state/state-file.ts';
import type { Project } from '../project.ts';
import { finding, type Finding, type Rule } from '../types.ts';

/**
 * DETML008: no image is pinned to the digest create-detml ships for a different tag (an image changed without its
 * digest), in the recorded answers, Dockerfile FROM lines and workflow containers. Only digests in the default table
 * can be recognised; others pass.
 */
export const digestOfTag: Rule = {
  id: 'DETML008',
  name: 'pin/digest-of-tag',
  summary: 'Image digests belong to their own tag (answers, FROM and containers vs the default digests)',
  help: 'The digest is the one of another tag, so the image that runs is not the tag the project names. Resolve the tag (create-detml pins resolve image:tag) and set both: create-detml sync --set <image>=image:tag --set <image>Digest=sha256:….',
  run(project: Project): Finding[] {
    const answers = project.state().state?.answers ?? {};
    // Templates name them `<image>` / `<image>Digest` (as the template questions do); no template needed offline.
    const pairs = Object.keys(answers)
      .filter((k) => `${k}Digest` in answers)
      .map((k) => ({ image: k, digest: `${k}Digest` }));
    const out: Finding[] = [];
    // The images as written, `name:tag@sha256:…`: Dockerfile FROM lines and workflow job containers.
    const written: Array<{ path: string; ref: { value: string; line: number; column: number } }> = [];
    for (const path of project.dockerfiles())
      for (const { from } of project.dockerStages(path))
        if (!from.refersToStage) written.push({ path, ref: from.image });
    for (const wf of project.workflows())
      for (const job of wf.jobs) if (job.container) written.push({ path: wf.path, ref: job.container });
    for (const { path, ref } of written) {
      const at = ref.value.lastIndexOf('@');
      if (at < 0) continue;
      const tag = ref.value.slice(0, at);
      const other = digestOfOtherTag(tag, ref.value.slice(at + 1));
      if (other)
        out.push(
          finding(
            this,
            path,
            `${tag} is pinned to the digest of ${other}; resolve ${tag} (create-detml pins resolve ${tag}) and pin that.`,
            ref,
          ),
        );
    }
    for (const { image, digest } of pairs) {
      const tag = answers[image];
      const value = answers[digest];
      if (typeof tag !== 'string' || typeof value !== 'string') continue;
      const other = digestOfOtherTag(tag, value);
      if (other) {
        out.push(
          finding(
            this,
            STATE_PATH,
            `Answer "${digest}" is ${value}, the digest of ${other}, not of "${image}" ${tag}; resolve ${tag} and set both answers.`,
            {
              line: project.lineOf(STATE_PATH, `"${digest}"`),
            },
          ),
        );
      }
    }
    return out;
  },
};
