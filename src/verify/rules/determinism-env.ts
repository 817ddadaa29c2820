import { finalStageEnv, type Located } from '../dockerfile.ts';
import type { Project } from '../project.ts';
import { finding, type Finding, type Rule } from '../types.ts';
import { DETERMINISM_ENV, varProblem, type RequiredVar } from './determinism-vars.ts';

function requiredVars(project: Project): RequiredVar[] {
  const id = project.templateId();
  return id ? (DETERMINISM_ENV[id] ?? []) : [];
}

/** DETML010: the Dockerfile's final stage sets the template's determinism variables with ENV. */
export const dockerfileEnv: Rule = {
  id: 'DETML010',
  name: 'env/dockerfile',
  summary: "The Dockerfile's final stage sets the template's determinism environment variables",
  help: 'These variables are read once, before the CUDA context or interpreter starts; set them with ENV in the final stage.',
  run(project: Project): Finding[] {
    const required = requiredVars(project);
    const out: Finding[] = [];
    for (const path of required.length ? project.dockerfiles() : []) {
      const stages = project.dockerStages(path);
      const last = stages[stages.length - 1];
      if (!last) continue;
      const env = finalStageEnv(stages);
      for (const r of required) {
        const set = env.get(r.name);
        const problem = varProblem(r, set?.value);
        if (problem)
          out.push(
            finding(
              this,
              path,
              `${problem} in the final stage; add ENV ${r.name}=… after the last FROM.`,
              set ?? last.from.image,
            ),
          );
      }
    }
    return out;
  },
};

/**
 * DETML011: workflows set the variables: every job that runs in a `container:` has them (workflow, job or container
 * env), and when no job uses a container, some workflow still sets each of them.
 */
export const workflowEnv: Rule = {
  id: 'DETML011',
  name: 'env/workflow',
  summary: "Workflows set the template's determinism environment variables",
  help: 'A job running the pinned image does not read the Dockerfile ENV: set the same variables under env: of the job (or workflow).',
  run(project: Project): Finding[] {
    const required = requiredVars(project);
    const workflows = project.workflows().filter((w) => !w.error);
    if (required.length === 0 || workflows.length === 0) return [];
    const out: Finding[] = [];
    const everywhere = new Map<string, Located>();
    let containerJobs = 0;
    for (const wf of workflows) {
      for (const [k, v] of wf.env) everywhere.set(k, v);
      for (const job of wf.jobs) {
        const env = new Map([...wf.env, ...job.env, ...job.containerEnv]);
        for (const [k, v] of env) everywhere.set(k, v);
        if (!job.container) continue;
        containerJobs++;
        for (const r of required) {
          const problem = varProblem(r, env.get(r.name)?.value);
          if (problem)
            out.push(
              finding(
                this,
                wf.path,
                `Job "${job.id}" runs in ${job.container.value.split('@')[0]} but ${problem}; add it to the job's env:.`,
                env.get(r.name) ?? job.container,
              ),
            );
        }
      }
    }
    if (containerJobs === 0) {
      for (const r of required) {
        const problem = varProblem(r, everywhere.get(r.name)?.value);
        if (problem)
          out.push(
            finding(
              this,
              workflows[0]!.path,
              `No workflow sets ${r.name} as required (${problem}); add it to the env: of the job that runs the model.`,
              everywhere.get(r.name) ?? {},
            ),
          );
      }
    }
    return out;
  },
};
