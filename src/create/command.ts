import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseFlags } from '../args.ts';
import { CancelledError, EXIT, UserError } from '../errors.ts';
import { detectPackageManager, installCommand, lockedManagerNote } from '../install.ts';
import { log } from '../log.ts';
import { pairImageDigests, pairsMissingDigest } from '../pins/answer-digests.ts';
import { parseSetFlags } from '../templates/answers.ts';
import { resolveTemplate } from '../templates/registry.ts';
import { chooseDirectory, chooseTemplate, collectAnswers, confirmNonEmpty } from './collect-answers.ts';
import { decideCollisions } from './collisions.ts';
import { runCreate } from './run-create.ts';
import { inspectTarget, removeStaleStaging } from './staging.ts';

/** The create command's flags, as parsed by the CLI. */
export interface CreateFlags {
  dir?: string | undefined;
  template?: string | undefined;
  name?: string | undefined;
  yes: boolean;
  interactive: boolean;
  git: boolean;
  install: boolean;
  force: boolean;
  set: string[];
  templateRoot?: string | undefined;
}

/** Parses `create-detml [dir] [options]` and creates the project; the argv is the whole command line. */
export async function createCli(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      template: { type: 'string', short: 't' },
      name: { type: 'string', short: 'n' },
      yes: { type: 'boolean', short: 'y' },
      'no-interactive': { type: 'boolean' },
      'no-git': { type: 'boolean' },
      'no-install': { type: 'boolean' },
      force: { type: 'boolean', short: 'f' },
      set: { type: 'string', multiple: true },
      'template-root': { type: 'string' },
    },
    'create-detml',
  );
  if (positionals.length > 1)
    throw new UserError(`Expected at most one directory, got: ${positionals.join(' ')}`, EXIT.usage);
  await createCommand({
    dir: positionals[0],
    template: values.template,
    name: values.name,
    yes: values.yes ?? false,
    interactive: !values.yes && !values['no-interactive'] && Boolean(process.stdin.isTTY) && !process.env.CI,
    git: !values['no-git'],
    install: !values['no-install'],
    force: values.force ?? false,
    set: values.set ?? [],
    templateRoot: values['template-root'],
  });
  return EXIT.ok;
}

/** Runs `create-detml [dir] ...`: gathers answers (prompting only when interactive), creates, prints next steps. */
export async function createCommand(flags: CreateFlags): Promise<void> {
  const interactive = flags.interactive;
  const source = { templateRoot: flags.templateRoot ?? process.env.DETML_TEMPLATE_ROOT };
  const given = parseSetFlags(flags.set);
  if (flags.name !== undefined && given.name !== undefined) {
    throw new UserError(
      `The project name is given twice (--name ${flags.name} and --set name=${given.name}); pass only one.`,
      EXIT.usage,
    );
  }
  if (flags.name !== undefined) given.name = flags.name;
  const prompts = interactive ? await import('../prompts.ts') : undefined;
  prompts?.intro('create-detml');

  const templateId = await chooseTemplate(flags.template, interactive, source);
  const template = resolveTemplate(templateId, source);
  // The template's own default name is valid for it (a Python module name for vllm); a generic folder name may not be.
  const defaultName = template.manifest.questions.find((q) => q.name === 'name')?.default;
  const dir = await chooseDirectory(
    flags.dir,
    flags.name,
    interactive,
    typeof defaultName === 'string' ? defaultName : `detml-${templateId}-app`,
  );
  // `.` and other relative paths mean that folder itself (never replaced); its base name is the default project name.
  if (basename(resolve(dir)) === 'node_modules') {
    throw new UserError(
      'A project cannot live in a folder named node_modules: package managers own those folders. Choose another directory.',
      EXIT.usage,
    );
  }
  const stale = removeStaleStaging(resolve(dir));
  if (stale) log.step(`Removed ${stale} staging folder${stale === 1 ? '' : 's'} left by an interrupted run`);
  // Only --force, or a yes at the prompt, writes into a non-empty folder; then each collision goes to the conflicter.
  if (!flags.force && inspectTarget(dir) === 'non-empty') {
    if (!interactive)
      throw new UserError(
        `Directory ${dir} is not empty. Choose another directory, or pass --force to write into it (each file it would overwrite is listed and backed up).`,
      );
    if (!(await confirmNonEmpty(dir))) throw new CancelledError();
  }
  // A changed image tag never keeps the default tag's digest: the table's digest, the registry's, or a clear refusal.
  if (pairsMissingDigest(template.manifest, given).length > 0)
    Object.assign(given, await pairImageDigests(template.manifest, given));
  const answers = await collectAnswers(template, given, dir, interactive);
  const agent = detectPackageManager();

  const result = await runCreate({
    target: dir,
    template,
    answers,
    git: flags.git,
    install: flags.install ? agent : false,
    force: flags.force || interactive,
    decide: (target, files) =>
      decideCollisions({ target, files, alwaysWrite: ['.detml/state.json'], interactive: interactive && !flags.force }),
    onProgress: (m) => log.step(m),
  });

  const shown = relative(process.cwd(), result.dir) || '.';
  const steps = [
    ...(shown === '.' ? [] : [`cd ${shown}`]),
    ...(result.installed || !existsSync(join(result.dir, 'package.json'))
      ? []
      : [installHint(template.manifest.installEnv, existsSync(join(result.dir, 'package-lock.json')))]),
    ...template.manifest.nextSteps,
  ];
  const summary = `Created ${template.manifest.id}@${template.manifest.version} project in ${shown} (${result.files} files${result.committed ? ', initial commit' : ''}).`;
  if (prompts) prompts.outro(summary);
  else log.success(summary);
  if (result.backupDir)
    log.info(
      `Overwrote ${result.overwritten.length} file${result.overwritten.length === 1 ? '' : 's'}; the originals are in ${join(shown, result.backupDir)}/.`,
    );
  const note = existsSync(join(result.dir, 'package.json'))
    ? lockedManagerNote(agent, existsSync(join(result.dir, 'package-lock.json')))
    : undefined;
  if (note) log.info(note);
  log.info(`\nNext steps:\n${steps.map((s) => `  ${s}`).join('\n')}\n`);
}

function installHint(env: Record<string, string>, hasNpmLockfile: boolean): string {
  const prefix = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  return prefix + installCommand(detectPackageManager(), hasNpmLockfile).flat().join(' ');
}
