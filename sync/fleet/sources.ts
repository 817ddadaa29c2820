// Which repositories a fleet run covers: a YAML/JSON list file, --repo values, and --only/--exclude globs.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { EXIT, UserError, ValidationError } from '../../src/errors.ts';
import { validateFleetRepos } from '../../src/generated/schema-validators.js';
import { schemaProblems } from '../../src/schema-problems.ts';
import { globMatcher } from '../../src/templates/glob.ts';

/** One repository of the fleet, with what the list file says about it. */
export interface FleetEntry {
  owner: string;
  name: string;
  /** Why it is left out, when the list file opts it out. */
  optOut?: string;
  /** Base branch of its sync PR; default: the repository's default branch. */
  base?: string;
  /** Propose its update from a fork even without --fork for the whole run. */
  fork?: boolean;
}

const SLUG = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** The `owner/name` of an entry. */
export function slug(e: { owner: string; name: string }): string {
  return `${e.owner}/${e.name}`;
}

/**
 * Reads a list file: a YAML or JSON array (or `{ repositories: [...] }`) whose items are `owner/name` strings or
 * objects `{ repo, optOut | skip, reason, base, fork }`, checked against schemas/fleet-repos.schema.json. Every
 * problem is reported at once, each with its JSON path.
 */
export function readRepoList(file: string): FleetEntry[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`--repos ${file}: ${(error as Error).message.split('\n')[0]}`, EXIT.usage);
  }
  if (!Array.isArray(raw) && !Array.isArray((raw as { repositories?: unknown } | null)?.repositories)) {
    throw new UserError(
      `--repos ${file}: expected a list of repositories (or "repositories:" with a list).`,
      EXIT.usage,
    );
  }
  const problems = schemaProblems(validateFleetRepos, raw);
  if (problems.length) throw new ValidationError(problems.map((p) => `--repos ${file}: ${p}`));
  const items = (Array.isArray(raw) ? raw : (raw as { repositories: unknown[] }).repositories) as (string | ListItem)[];
  const entries = items.map((item): FleetEntry => {
    const o = typeof item === 'string' ? { repo: item } : item;
    const [, owner, name] = SLUG.exec(o.repo.trim()) as RegExpExecArray;
    const out = o.optOut === true || o.skip === true;
    return {
      owner: owner as string,
      name: name as string,
      ...(out && { optOut: o.reason ? `opted out in ${file}: ${o.reason}` : `opted out in ${file}` }),
      ...(o.base !== undefined && { base: o.base }),
      ...(o.fork === true && { fork: true }),
    };
  });
  return dedupe(entries);
}

// One object item of a list file, as the schema guarantees it.
interface ListItem {
  repo: string;
  optOut?: boolean;
  skip?: boolean;
  reason?: string;
  base?: string;
  fork?: boolean;
}

/** Entries from `--repo` values: `owner/name`, several separated by commas or spaces (as a workflow matrix passes). */
export function repoArgs(values: readonly string[]): FleetEntry[] {
  const entries = values
    .flatMap((v) => v.split(/[\s,]+/).filter(Boolean))
    .map((value) => {
      const match = SLUG.exec(value);
      if (!match) throw new UserError(`--repo must look like owner/name, got "${value}".`, EXIT.usage);
      return { owner: match[1] as string, name: match[2] as string };
    });
  return dedupe(entries);
}

/** Keeps entries matching some `--only` glob (when any is given) and no `--exclude` glob, case-insensitively. */
export function filterEntries<T extends { owner: string; name: string }>(
  entries: readonly T[],
  only: readonly string[],
  exclude: readonly string[],
): T[] {
  const compile = (flag: string, globs: readonly string[]) => {
    try {
      return globMatcher(globs, { nocase: true });
    } catch (error) {
      throw new UserError(`${flag}: ${(error as Error).message}`, EXIT.usage);
    }
  };
  const [onlyMatch, excludeMatch] = [compile('--only', only), compile('--exclude', exclude)];
  return entries.filter((e) => (only.length === 0 || onlyMatch(slug(e))) && !excludeMatch(slug(e)));
}

// GitHub names are case-insensitive: the first mention of a repository wins.
function dedupe(entries: FleetEntry[]): FleetEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = slug(e).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
