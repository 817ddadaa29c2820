import { basename, resolve } from 'node:path';
import { EXIT, UserError } from '../errors.ts';

// Prompts load only in interactive runs: scripted and CI runs never pay for the prompt library.
const prompts = () => import('../prompts.ts');
import { coerceAnswer, resolveAnswers, validateAnswer, type Answers, type RawAnswers } from '../templates/answers.ts';
import type { Question } from '../templates/manifest.ts';
import {
  availableTemplates,
  DEFAULT_TEMPLATE,
  TEMPLATES,
  type ResolvedTemplate,
  type TemplateSource,
} from '../templates/registry.ts';

/** Picks the template: the flag, else a prompt when interactive, else the default. */
export async function chooseTemplate(
  flag: string | undefined,
  interactive: boolean,
  source: TemplateSource,
): Promise<string> {
  if (flag) return flag;
  const ids = availableTemplates(source);
  if (!interactive || ids.length <= 1)
    return ids.includes(DEFAULT_TEMPLATE) ? DEFAULT_TEMPLATE : (ids[0] ?? DEFAULT_TEMPLATE);
  const labels = new Map<string, string>(TEMPLATES.map((t) => [t.id, t.label]));
  return (await prompts()).askSelect(
    'Which template?',
    ids.map((id) => ({ value: id, label: labels.get(id) ?? id })),
    ids.includes(DEFAULT_TEMPLATE) ? DEFAULT_TEMPLATE : (ids[0] as string),
  );
}

/** Asks for the project folder when none was given interactively; otherwise derives it from the name or template. */
export async function chooseDirectory(
  dirArg: string | undefined,
  nameFlag: string | undefined,
  interactive: boolean,
  fallback: string,
): Promise<string> {
  if (dirArg) return dirArg;
  if (nameFlag) return nameFlag;
  if (!interactive) return fallback;
  return (await prompts()).askText('Project directory', fallback, (v) =>
    v.trim() ? undefined : 'Enter a directory name',
  );
}

/** Asks whether to write into a non-empty folder; only called interactively, before any collision is shown. */
export async function confirmNonEmpty(dir: string): Promise<boolean> {
  return (await prompts()).askConfirm(
    `${dir} is not empty. Write the project into it? (you are asked about each file it would overwrite)`,
    false,
  );
}

/**
 * Builds the complete answers: `--set` values and `--name` first, the folder name as the project name, then (when
 * interactive) a prompt for each remaining question marked `prompt`, and defaults for the rest.
 */
export async function collectAnswers(
  template: ResolvedTemplate,
  given: RawAnswers,
  dir: string,
  interactive: boolean,
): Promise<Answers> {
  const raw: RawAnswers = { ...given };
  const named = template.manifest.questions.some((q) => q.name === 'name');
  if (!named && given.name !== undefined) {
    throw new UserError(
      `Template ${template.manifest.id} asks for no project name, so --name has nothing to set; the directory alone names the folder.`,
      EXIT.usage,
    );
  }
  // `create-detml .` is named after the folder it runs in, not ".".
  if (raw.name === undefined && named) raw.name = basename(resolve(dir));
  if (interactive) {
    for (const q of template.manifest.questions) {
      if (q.prompt && given[q.name] === undefined) raw[q.name] = await ask(q, raw[q.name]);
    }
  }
  return resolveAnswers(template.manifest, raw);
}

async function ask(q: Question, current: unknown): Promise<string | number | boolean> {
  const initial = current ?? q.default;
  const { askConfirm, askSelect, askText } = await prompts();
  if (q.type === 'boolean') return askConfirm(q.message, Boolean(initial));
  if (q.type === 'select')
    return askSelect(
      q.message,
      (q.choices ?? []).map((c) => ({ value: c, label: c })),
      String(initial),
    );
  const text = await askText(q.message, String(initial), (v) => validateAnswer(q, v));
  const coerced = coerceAnswer(q, text);
  return 'value' in coerced ? coerced.value : text;
}
