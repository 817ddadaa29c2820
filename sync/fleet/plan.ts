// The fleet plan: for each repository, its template and version, the target version, and whether sync would open a
// pull request, update the open one, or skip the repository (and why). Read-only: API reads, no clones.
import { STATE_PATH, stateProblem } from '../../src/state/state-file.ts';
import type { TemplateSource } from '../../src/templates/registry.ts';
import { compareSemver } from '../../src/templates/semver.ts';
import { syncBranch } from '../apply.ts';
import { parseMarker } from '../pr-marker.ts';
import { resolveTargetTemplate } from '../template-source.ts';
import type { FleetApi, RepoFacts } from './api.ts';
import { mapLimit } from './limiter.ts';
import { slug, type FleetEntry } from './sources.ts';

/** What sync would do to a repository; `error` when it could not even be inspected. */
export type PlanAction = 'open' | 'update' | 'skip' | 'error';

/** One repository's line of the plan. */
export interface RepoPlan {
  repo: string;
  owner: string;
  name: string;
  action: PlanAction;
  /** What sync would do, or why it skips. */
  reason: string;
  template?: string;
  from?: string;
  to?: string;
  base?: string;
  /** True when the pull request would come from a fork (the token cannot push, or the list file asks for it). */
  fork?: boolean;
  /** The sync pull request that decided the action, if any. */
  pullRequest?: { number: number; url: string; state: 'open' | 'closed'; to?: string };
}

/** A repository to plan: a list entry, with the facts discovery already fetched. */
export interface PlanTarget extends FleetEntry {
  facts?: RepoFacts;
  /** Found by listing an organisation: a repository without a state file is not part of the fleet, so it is dropped. */
  discovered?: boolean;
}

/** What planning needs: the API, where templates come from, the target version and the fork owner. */
export interface PlanContext {
  api: FleetApi;
  source: TemplateSource;
  to?: string | undefined;
  /** `--fork OWNER`: where forks go for repositories the token cannot push to. */
  forkOwner?: string | undefined;
  concurrency: number;
}

/** The plan of a whole fleet; `ignored` counts discovered repositories without a state file. */
export interface FleetPlan {
  repos: RepoPlan[];
  ignored: number;
}

/** Plans every target (concurrently, sharing the API's rate-limit gate), in the targets' order. */
export async function planFleet(targets: readonly PlanTarget[], ctx: PlanContext): Promise<FleetPlan> {
  const versions = new Map<string, Promise<string>>();
  const target = (id: string) => {
    if (!versions.has(id))
      versions.set(
        id,
        resolveTargetTemplate(id, ctx.to, ctx.source).then((t) => t.manifest.version),
      );
    return versions.get(id) as Promise<string>;
  };
  const planned = await mapLimit(targets, ctx.concurrency, async (t) => {
    try {
      return await planOne(t, ctx, target);
    } catch (error) {
      return {
        ...identity(t),
        action: 'error' as const,
        reason: (error as Error).message.split('\n')[0] ?? String(error),
      };
    }
  });
  return {
    repos: planned.filter((p): p is RepoPlan => p !== undefined),
    ignored: planned.filter((p) => p === undefined).length,
  };
}

async function planOne(
  t: PlanTarget,
  ctx: PlanContext,
  targetVersion: (id: string) => Promise<string>,
): Promise<RepoPlan | undefined> {
  const id = identity(t);
  if (t.optOut) return { ...id, action: 'skip', reason: t.optOut };
  const facts = t.facts ?? (await ctx.api.getRepo(t.owner, t.name));
  if (facts.archived) return t.discovered ? undefined : { ...id, action: 'skip', reason: 'archived' };
  const base = t.base ?? facts.defaultBranch;
  const text = await ctx.api.readStateFile(t.owner, t.name, base);
  if (text === undefined)
    return t.discovered ? undefined : { ...id, base, action: 'skip', reason: `no ${STATE_PATH} on ${base}` };
  const state = readFleetState(text);
  const known = { ...id, base, template: state.template, from: state.version };
  if (state.optOut !== undefined) return { ...known, action: 'skip', reason: state.optOut };
  const to = await targetVersion(state.template);
  const order = compareSemver(to, state.version);
  if (order === 0) return { ...known, to, action: 'skip', reason: 'up to date' };
  if (order < 0) return { ...known, to, action: 'skip', reason: `ahead of the target ${to}` };

  const fork = t.fork === true || facts.push === false;
  if (fork && !ctx.forkOwner)
    return {
      ...known,
      to,
      action: 'skip',
      reason: t.fork
        ? 'the list file asks for a fork: pass --fork OWNER'
        : 'the token cannot push here: pass --fork OWNER to propose it from a fork',
    };
  const headOwner = fork ? (ctx.forkOwner as string) : t.owner;
  const pulls = await ctx.api.listPulls(t.owner, t.name, headOwner, syncBranch(base));
  const planned = { ...known, to, ...(fork && { fork: true }) };
  const pr = (p: (typeof pulls)[number]) => ({
    number: p.number,
    url: p.url,
    state: p.state,
    ...(parseMarker(p.body) && { to: parseMarker(p.body)?.to }),
  });
  const closed = pulls.find((p) => p.state === 'closed' && !p.merged && parseMarker(p.body)?.to === to);
  if (closed)
    return {
      ...planned,
      action: 'skip',
      reason: `#${closed.number} proposing ${to} was closed without merging`,
      pullRequest: pr(closed),
    };
  const open = pulls.find((p) => p.state === 'open');
  if (open) {
    const proposes = parseMarker(open.body)?.to;
    const reason =
      proposes === to
        ? `#${open.number} already proposes ${to}; refreshed if ${base} moved`
        : `#${open.number} moves from ${proposes ?? 'an unknown version'} to ${to}`;
    return { ...planned, action: 'update', reason, pullRequest: pr(open) };
  }
  return {
    ...planned,
    action: 'open',
    reason: `new pull request ${state.version} -> ${to}${fork ? ` from a fork in ${headOwner}` : ''}`,
  };
}

/** The fleet's reading of a state file: template, version, and the opt-out reason when `"fleet": {"optOut": true}`. */
export interface FleetState {
  template: string;
  version: string;
  optOut?: string;
}

/**
 * Reads a state file as the fleet needs it, validated like any state file (src/state/state-file.ts allows extra
 * top-level keys). The opt-out is a top-level `"fleet": { "optOut": true, "reason": "..." }`.
 */
export function readFleetState(text: string): FleetState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${STATE_PATH} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const problem = stateProblem(raw);
  if (problem) throw new Error(`${STATE_PATH} is corrupt: ${problem}`);
  const state = raw as { template: { id: string; version: string }; fleet?: { optOut?: unknown; reason?: unknown } };
  const fleet = state.fleet;
  const optOut =
    fleet?.optOut === true
      ? `opted out in ${STATE_PATH}${typeof fleet.reason === 'string' && fleet.reason ? `: ${fleet.reason}` : ''}`
      : undefined;
  return { template: state.template.id, version: state.template.version, ...(optOut && { optOut }) };
}

function identity(t: { owner: string; name: string }): Pick<RepoPlan, 'repo' | 'owner' | 'name'> {
  return { repo: slug(t), owner: t.owner, name: t.name };
}
