// The release check as a function: fetch the last published package from a registry, then judge every template.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareTemplates, type TemplateVerdict } from './release-compare.ts';
import { fetchPublished } from './release-registry.ts';

/** What the check looked at and what it found. */
export interface ReleaseCheckResult {
  published: string | undefined;
  verdicts: TemplateVerdict[];
  ok: boolean;
}

/** Runs the check for the package folder `root` against `name@tag` on `registry` (npm's configured one when unset). */
export async function releaseCheck(options: {
  root: string;
  name: string;
  tag: string;
  registry?: string | undefined;
}): Promise<ReleaseCheckResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'detml-release-check-'));
  try {
    const published = await fetchPublished(options, scratch);
    const label = published && `${options.name}@${published.version}`;
    const verdicts = compareTemplates({
      root: options.root,
      published: published && label ? { label, dir: published.dir } : undefined,
    });
    return { published: label, verdicts, ok: verdicts.every((v) => v.ok) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
