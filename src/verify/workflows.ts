import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { Located } from './dockerfile.ts';

/** One job of a GitHub Actions workflow, with what the rules look at, each value located. */
export interface WorkflowJob {
  id: string;
  line: number;
  env: Map<string, Located>;
  /** `container:` (string form or `image:`), if the job runs in one. */
  container?: Located | undefined;
  containerEnv: Map<string, Located>;
  /** `services.<name>.image` (or the string form). */
  services: Located[];
  /** `uses:` of every step and of the job itself (reusable workflows). */
  uses: Located[];
}

/** A parsed workflow file; `error` is set (and jobs empty) when the YAML does not parse. */
export interface Workflow {
  path: string;
  env: Map<string, Located>;
  jobs: WorkflowJob[];
  error?: Located | undefined;
}

/** The workflow files among project files: `.github/workflows/*.yml` and `*.yaml`. */
export function workflowPaths(files: readonly string[]): string[] {
  return files.filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f));
}

/** Parses a workflow with the `yaml` package, keeping line numbers for every value the rules report on. */
export function parseWorkflow(path: string, text: string): Workflow {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const at = (node: Node | null | undefined, value: string): Located => {
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    return { value, line: pos.line, column: pos.col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lines.linePos(firstError.pos[0]);
    return {
      path,
      env: new Map(),
      jobs: [],
      error: { value: firstError.message.split('\n')[0]!, line: pos.line, column: pos.col },
    };
  }
  const root = doc.contents;
  const workflow: Workflow = { path, env: isMap(root) ? envMap(root.get('env', true), at) : new Map(), jobs: [] };
  const jobs = isMap(root) ? root.get('jobs', true) : undefined;
  if (!isMap(jobs)) return workflow;
  for (const pair of jobs.items) {
    const job = pair.value;
    if (!isScalar(pair.key) || !isMap(job)) continue;
    const id = String(pair.key.value);
    const container = job.get('container', true);
    const containerImage = isMap(container) ? container.get('image', true) : container;
    const services = job.get('services', true);
    const steps = job.get('steps', true);
    const uses: Located[] = [];
    const jobUses = job.get('uses', true);
    if (isScalar(jobUses)) uses.push(at(jobUses, String(jobUses.value)));
    if (isSeq(steps)) {
      for (const step of steps.items) {
        const stepUses = isMap(step) ? step.get('uses', true) : undefined;
        if (isScalar(stepUses)) uses.push(at(stepUses, String(stepUses.value)));
      }
    }
    workflow.jobs.push({
      id,
      line: at(pair.key as Node, id).line,
      env: envMap(job.get('env', true), at),
      container: isScalar(containerImage) ? at(containerImage, String(containerImage.value)) : undefined,
      containerEnv: isMap(container) ? envMap(container.get('env', true), at) : new Map(),
      services: isMap(services) ? serviceImages(services, at) : [],
      uses,
    });
  }
  return workflow;
}

function serviceImages(services: YAMLMap, at: (n: Node, v: string) => Located): Located[] {
  const out: Located[] = [];
  for (const pair of services.items) {
    const image = isMap(pair.value) ? pair.value.get('image', true) : pair.value;
    if (isScalar(image)) out.push(at(image, String(image.value)));
  }
  return out;
}

function envMap(node: unknown, at: (n: Node, v: string) => Located): Map<string, Located> {
  const env = new Map<string, Located>();
  if (!isMap(node)) return env;
  for (const pair of node.items) {
    if (isScalar(pair.key) && isScalar(pair.value))
      env.set(String(pair.key.value), at(pair.value, String(pair.value.value ?? '')));
  }
  return env;
}
