import type { Project } from '../verify/project.ts';
import { parseImageRef, formatImageRef } from './image-ref.ts';

/** One image reference in a project: a Dockerfile FROM or a workflow container/service image. */
export interface ImagePin {
  path: string;
  line: number;
  kind: 'FROM' | 'container' | 'service';
  /** The reference as written. */
  text: string;
  /** The reference without digest (`name:tag`), used to group and resolve; undefined when it has no tag. */
  tagged?: string | undefined;
  digest?: string | undefined;
}

/**
 * Every literal image reference that `pins update` can re-resolve: Dockerfile FROMs (not stages, scratch or build
 * variables) and workflow `container:`/`services:` images (not expressions). Parsed with dockerfile-ast and yaml.
 */
export function projectImagePins(project: Project): ImagePin[] {
  const out: ImagePin[] = [];
  const add = (path: string, line: number, kind: ImagePin['kind'], text: string) => {
    const ref = tryParse(text);
    if (!ref) return;
    out.push({
      path,
      line,
      kind,
      text,
      tagged: ref.tag ? formatImageRef(ref, { digest: false }) : undefined,
      digest: ref.digest,
    });
  };
  for (const path of project.dockerfiles()) {
    for (const { from } of project.dockerStages(path)) {
      if (!from.refersToStage && !from.hasVariable) add(path, from.image.line, 'FROM', from.image.value);
    }
  }
  for (const wf of project.workflows()) {
    for (const job of wf.jobs) {
      if (job.container && !job.container.value.includes('${{'))
        add(wf.path, job.container.line, 'container', job.container.value);
      for (const s of job.services) if (!s.value.includes('${{')) add(wf.path, s.line, 'service', s.value);
    }
  }
  return out;
}

function tryParse(text: string) {
  try {
    return parseImageRef(text);
  } catch {
    return undefined;
  }
}
