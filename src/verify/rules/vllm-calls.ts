import { spawnSync } from 'node:child_process';
import { join, relative, sep } from 'node:path';
import { UserError } from '../../errors.ts';
import type { Project } from '../project.ts';
import { finding, type Finding, type Rule } from '../types.ts';
import { VLLM_AST_SCRIPT } from './vllm-ast-script.ts';

interface PyProblem {
  path: string;
  line: number;
  col: number;
  kind: 'LLM' | 'SamplingParams' | 'syntax';
  message: string;
}

const runs = new WeakMap<Project, PyProblem[]>();

/** Runs the ast script once per project over its Python files (python3, or $DETML_PYTHON). */
function pythonProblems(project: Project): PyProblem[] {
  const cached = runs.get(project);
  if (cached) return cached;
  const files = project.filesWithExtension('.py').filter((f) => /\b(LLM|SamplingParams)\b/.test(project.text(f) ?? ''));
  let problems: PyProblem[] = [];
  if (files.length > 0) {
    const python = process.env.DETML_PYTHON || 'python3';
    const res = spawnSync(python, ['-c', VLLM_AST_SCRIPT], {
      input: JSON.stringify(files.map((f) => join(project.root, f))),
      encoding: 'utf8',
    });
    if (res.error || res.status !== 0) {
      const why = res.error ? (res.error as NodeJS.ErrnoException).code : res.stderr.trim().split('\n').pop();
      throw new UserError(
        `verify needs ${python} (3.8+) to check the vLLM calls in ${files.length} Python file(s): ${why}. Install python3 or set DETML_PYTHON.`,
      );
    }
    problems = res.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as PyProblem)
      .map((p) => ({ ...p, path: relative(project.root, p.path).split(sep).join('/') }));
  }
  runs.set(project, problems);
  return problems;
}

function fromPython(rule: Rule, project: Project, kinds: PyProblem['kind'][]): Finding[] {
  return pythonProblems(project)
    .filter((p) => kinds.includes(p.kind))
    .map((p) =>
      finding(rule, p.path, `${p.kind === 'syntax' ? `${p.path} ` : ''}${p.message}.`, { line: p.line, column: p.col }),
    );
}

/** DETML022: vLLM's `LLM(...)` pins the model by a 40-hex `revision` (Python files that do not parse are reported here). */
export const vllmRevision: Rule = {
  id: 'DETML022',
  name: 'vllm/llm-revision',
  summary: "vLLM's LLM(...) is given a pinned model revision",
  help: 'Without revision= the model is whatever the hub branch holds today. Pass revision= and tokenizer_revision= the 40-hex commit from detml.lock.json.',
  run(project: Project): Finding[] {
    return fromPython(this, project, ['LLM', 'syntax']);
  },
};

/** DETML023: vLLM's `SamplingParams(...)` carries an explicit `seed`. */
export const vllmSamplingSeed: Rule = {
  id: 'DETML023',
  name: 'vllm/sampling-seed',
  summary: "vLLM's SamplingParams(...) has an explicit seed",
  help: 'A request without seed= samples from the engine-wide generator, so its output depends on the other requests in the batch. Pass seed= on every SamplingParams.',
  run(project: Project): Finding[] {
    return fromPython(this, project, ['SamplingParams']);
  },
};
