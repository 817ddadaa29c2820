// An image answer and its digest answer travel together: a tag changed without its digest never keeps the old
// tag's digest. The digest comes from create-detml's default table, else from the registry, else the user.
import { EXIT, UserError } from '../errors.ts';
import type { RawAnswers } from '../templates/answers.ts';
import type { TemplateManifest } from '../templates/manifest.ts';
import { VALIDATORS } from '../templates/validators.ts';
import { DEFAULT_PINS } from './defaults.ts';
import { resolveImage, type ResolvedImage, type ResolveOptions } from './resolve.ts';

/** One image question and its digest partner, e.g. `cudaImage` and `cudaImageDigest`. */
export interface ImageDigestPair {
  image: string;
  digest: string;
}

/** The image questions of a template that have a `<name>Digest` partner question. */
export function imageDigestPairs(manifest: TemplateManifest): ImageDigestPair[] {
  const names = new Set(manifest.questions.map((q) => q.name));
  return manifest.questions
    .filter((q) => names.has(`${q.name}Digest`))
    .map((q) => ({ image: q.name, digest: `${q.name}Digest` }));
}

/** The pairs whose image the user set to another tag without setting its digest (these need a digest found). */
export function pairsMissingDigest(manifest: TemplateManifest, given: RawAnswers): ImageDigestPair[] {
  return imageDigestPairs(manifest).filter(({ image, digest }) => {
    const tag = given[image];
    const question = manifest.questions.find((q) => q.name === image);
    return typeof tag === 'string' && given[digest] === undefined && tag !== question?.default;
  });
}

/** How to look a tag up; tests and mirrors pass a registry URL, unit tests may pass their own resolver. */
export interface PairOptions extends ResolveOptions {
  resolve?: (ref: string, options: ResolveOptions) => Promise<Pick<ResolvedImage, 'digest'>>;
}

/**
 * Returns the answers with a digest for every image set without one: the default table's digest for a tag it knows,
 * otherwise the tag's digest from the registry. A tag that cannot be resolved is refused in one line that names the
 * `--set <name>Digest=…` to pass instead.
 */
export async function pairImageDigests(
  manifest: TemplateManifest,
  given: RawAnswers,
  options: PairOptions = {},
): Promise<RawAnswers> {
  const out: RawAnswers = { ...given };
  for (const { image, digest } of pairsMissingDigest(manifest, given)) {
    const tag = given[image] as string;
    if (VALIDATORS['image-name'](tag) !== undefined) continue; // answer validation reports it
    const known = DEFAULT_PINS[tag];
    if (known) {
      out[digest] = known.indexDigest;
      continue;
    }
    try {
      out[digest] = (await (options.resolve ?? resolveImage)(tag, { ...options, platforms: false })).digest;
    } catch (error) {
      const reason = ((error as Error).message ?? String(error)).split('\n')[0];
      throw new UserError(
        `--set ${image}=${tag} needs its digest, and the registry did not give it (${reason}); pass --set ${digest}=sha256:<digest of ${tag}> as well.`,
        EXIT.usage,
      );
    }
  }
  return out;
}

/** The default-table tag a digest belongs to, when it is not `tag` itself: a digest recorded under another tag. */
export function digestOfOtherTag(tag: string, digest: string): string | undefined {
  for (const [other, pin] of Object.entries(DEFAULT_PINS)) {
    if (other !== tag && (pin.indexDigest === digest || pin.amd64Digest === digest)) return other;
  }
  return undefined;
}

/**
 * For sync, which works offline: an image changed by `--set` without its digest takes the default table's digest
 * for that tag, or is refused in one line naming the `--set <name>Digest=…` to add (and how to look it up).
 */
export function pairImageDigestsFromTable(
  manifest: TemplateManifest,
  set: RawAnswers,
  recorded: RawAnswers,
): RawAnswers {
  const out: RawAnswers = { ...set };
  for (const { image, digest } of imageDigestPairs(manifest)) {
    const tag = set[image];
    if (typeof tag !== 'string' || set[digest] !== undefined || tag === recorded[image]) continue;
    const known = DEFAULT_PINS[tag];
    if (!known) {
      throw new UserError(
        `--set ${image}=${tag} needs its digest: pass --set ${digest}=sha256:<digest> as well (create-detml pins resolve ${tag} prints it).`,
        EXIT.usage,
      );
    }
    out[digest] = known.indexDigest;
  }
  return out;
}
