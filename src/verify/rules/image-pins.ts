import { DIGEST } from '../../pins/image-ref.ts';
import type { Located } from '../dockerfile.ts';
import type { Project } from '../project.ts';
import { finding, type Finding, type Rule } from '../types.ts';

/** DETML001: every Dockerfile FROM names its image by digest (`image:tag@sha256:…`). */
export const fromDigest: Rule = {
  id: 'DETML001',
  name: 'pin/from-digest',
  summary: 'Dockerfile FROM images are pinned by digest',
  help: 'A tag can be re-pushed at any time. Pin it: FROM image:tag@sha256:<digest> (create-detml pins resolve image:tag prints it).',
  run(project: Project): Finding[] {
    const out: Finding[] = [];
    for (const path of project.dockerfiles()) {
      for (const { from } of project.dockerStages(path)) {
        if (from.refersToStage) continue;
        const where = { line: from.image.line, column: from.image.column };
        if (from.hasVariable) {
          out.push(
            finding(
              this,
              path,
              `FROM ${from.image.value} uses a build variable, so its digest cannot be checked; write the pinned image literally.`,
              where,
            ),
          );
        } else if (!from.digest || !DIGEST.test(from.digest)) {
          out.push(
            finding(
              this,
              path,
              `FROM ${from.image.value} is not pinned by digest; write ${from.image.value}@sha256:<digest> (create-detml pins resolve ${from.image.value}).`,
              where,
            ),
          );
        }
      }
    }
    return out;
  },
};

/** DETML002: workflow `container:` and `services:` images are pinned by digest. */
export const containerDigest: Rule = {
  id: 'DETML002',
  name: 'pin/container-digest',
  summary: 'Workflow container and service images are pinned by digest',
  help: 'Jobs run in whatever the tag points to today. Pin it: image: name:tag@sha256:<digest>, the same digest as the Dockerfile.',
  run(project: Project): Finding[] {
    const out: Finding[] = [];
    for (const wf of project.workflows()) {
      for (const job of wf.jobs) {
        const images: [string, Located][] = [];
        if (job.container) images.push(['container', job.container]);
        for (const s of job.services) images.push(['service', s]);
        for (const [kind, image] of images) {
          if (image.value.includes('${{')) {
            out.push(
              finding(
                this,
                wf.path,
                `Job "${job.id}": the ${kind} image "${image.value}" is an expression, so its digest cannot be checked; write the pinned image literally.`,
                image,
              ),
            );
          } else if (!/@sha256:[0-9a-f]{64}$/.test(image.value)) {
            out.push(
              finding(
                this,
                wf.path,
                `Job "${job.id}": the ${kind} image ${image.value} is not pinned by digest; write ${image.value}@sha256:<digest>.`,
                image,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};

/** DETML003: every `uses:` names a full 40-hex commit (local `./` actions and `docker://…@sha256:` are fine). */
export const actionSha: Rule = {
  id: 'DETML003',
  name: 'pin/action-sha',
  summary: 'Workflow actions are pinned by full commit SHA',
  help: 'Tags and branches of actions move. Pin each one: uses: owner/repo@<40-hex commit> # vX.Y.Z.',
  run(project: Project): Finding[] {
    const out: Finding[] = [];
    for (const wf of project.workflows()) {
      for (const job of wf.jobs) {
        for (const uses of job.uses) {
          const v = uses.value;
          if (v.startsWith('./')) continue;
          if (v.startsWith('docker://')) {
            if (!/@sha256:[0-9a-f]{64}$/.test(v))
              out.push(
                finding(this, wf.path, `${v} is not pinned by digest; write docker://image@sha256:<digest>.`, uses),
              );
            continue;
          }
          if (!/^[^@\s]+@[0-9a-f]{40}$/.test(v)) {
            out.push(
              finding(
                this,
                wf.path,
                `${v} is not pinned by a full commit SHA; write ${v.split('@')[0]}@<40-hex commit> # <tag>.`,
                uses,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
