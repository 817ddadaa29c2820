import { STATE_PATH } from '../../state/state-file.ts';
import { sha256 } from '../../templates/render.ts';
import type { Project } from '../project.ts';
import { finding, type Finding, type Rule } from '../types.ts';

/** DETML012: every seed answer recorded in the state is a non-zero integer (tfjs and others treat 0 as "unseeded"). */
export const seedNonZero: Rule = {
  id: 'DETML012',
  name: 'seed/nonzero',
  summary: 'Seed answers are non-zero integers',
  help: 'A seed of 0 (or a non-integer) is treated as "no seed" by tfjs and some samplers. Pick another: create-detml sync --set seed=1234.',
  run(project: Project): Finding[] {
    const answers = project.state().state?.answers ?? {};
    return Object.entries(answers)
      .filter(([name]) => /seed/i.test(name))
      .filter(([, value]) => typeof value !== 'number' || !Number.isInteger(value) || value === 0)
      .map(([name, value]) =>
        finding(this, STATE_PATH, `Answer "${name}" is ${JSON.stringify(value)}; it must be a non-zero integer.`, {
          line: project.lineOf(STATE_PATH, `"${name}"`),
        }),
      );
  },
};

/** DETML030: files the template owns are byte-identical to what it rendered (sha256 in the state file). */
export const ownedUnchanged: Rule = {
  id: 'DETML030',
  name: 'state/owned-unchanged',
  summary: 'Template-owned files are unchanged',
  help: 'Owned files are replaced by every sync, so edits there are lost. Revert (git checkout -- <file>) and change answers with create-detml sync --set, or move the change to a file you own.',
  run(project: Project): Finding[] {
    const files = project.state().state?.files ?? {};
    const out: Finding[] = [];
    for (const [path, entry] of Object.entries(files)) {
      if (entry.ownership !== 'owned') continue;
      const bytes = project.bytes(path);
      if (!bytes)
        out.push(
          finding(
            this,
            STATE_PATH,
            `${path} is owned by the template but missing; restore it (git checkout -- ${path}).`,
            { line: project.lineOf(STATE_PATH, `"${path}"`) },
          ),
        );
      else if (sha256(bytes) !== entry.sha256)
        out.push(
          finding(this, path, `${path} is owned by the template but was edited (sha256 differs from ${STATE_PATH}).`),
        );
    }
    return out;
  },
};

/** DETML031: no leftover merge conflict markers at the start of a line in any text file. */
export const mergeMarkers: Rule = {
  id: 'DETML031',
  name: 'state/merge-markers',
  summary: 'No leftover merge conflict markers',
  help: 'A sync or merge left this conflict unresolved. Edit the file to keep the right side, delete the marker lines, and commit.',
  run(project: Project): Finding[] {
    const out: Finding[] = [];
    for (const path of project.files) {
      const text = project.text(path);
      if (!text || !/^(<{7} |>{7} )/m.test(text)) continue;
      text.split('\n').forEach((line, i) => {
        if (/^(<{7}|>{7}) /.test(line))
          out.push(
            finding(this, path, `Merge conflict marker "${line.slice(0, 7)}" left in ${path}.`, { line: i + 1 }),
          );
      });
    }
    return out;
  },
};

/** DETML032: `.detml/state.json` exists and is valid (schema, template, answers, file hashes). */
export const stateValid: Rule = {
  id: 'DETML032',
  name: 'state/valid',
  summary: 'The state file is present and valid',
  help: 'verify and sync need .detml/state.json as create-detml wrote it; restore it from git (git checkout -- .detml/state.json).',
  run(project: Project): Finding[] {
    const { problem } = project.state();
    return problem ? [finding(this, STATE_PATH, problem)] : [];
  },
};

/** DETML033: workflow files parse as YAML (the other workflow rules cannot see into a broken file). */
export const filesParse: Rule = {
  id: 'DETML033',
  name: 'file/parse',
  summary: 'Workflow files parse',
  help: 'Fix the YAML syntax error; GitHub would refuse this workflow too.',
  run(project: Project): Finding[] {
    return project
      .workflows()
      .filter((w) => w.error)
      .map((w) => finding(this, w.path, `${w.path} is not valid YAML: ${w.error!.value}`, w.error!));
  },
};
