// Every template's defaults are valid: `create-detml --template <id> --yes` with no directory creates a project
// (the folder and the project name both come from the template's default name).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.ts';
import { availableTemplates, resolveTemplate } from '../../src/templates/registry.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe.each(availableTemplates())('template %s: defaults', (id) => {
  it('--yes with no directory creates the project in the default name’s folder', async () => {
    const cwd = join(tempDir(), 'work');
    mkdirSync(cwd);
    const created = await runCli(['--template', id, '--yes', '--no-install'], { cwd, timeoutMs: 120_000 });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const name = String(resolveTemplate(id).manifest.questions.find((q) => q.name === 'name')!.default);
    expect(existsSync(join(cwd, name, '.detml', 'state.json'))).toBe(true);
    expect(readState(join(cwd, name)).answers.name).toBe(name);
  }, 150_000);
});
