// Compiled Handlebars templates, so a render compiles nothing it (or the build) has compiled before: parsing and
// compiling each `.hbs` was the largest piece of create's own start-up work (bench/README.md). Specs come from the
// build's tables of the built-in templates' sources (precompiled-tables.ts), else from this process's memo,
// else from the per-user disk cache (spec-disk-cache.ts), else from the compiler. Everything is keyed by the source
// text, so older template versions that sync re-renders hit the same entries wherever their sources are unchanged,
// and an edited source can never find a stale entry.
import { createHash } from 'node:crypto';
import { precompileSource, type TemplateSpec } from './handlebars-compiler.ts';
import { builtInSpec, type SpecLookup } from './precompiled-tables.ts';
import { SpecDiskCache, type SpecStore } from './spec-disk-cache.ts';

/** The options every template source is compiled with: no HTML escaping, and a missing variable is an error. */
export const COMPILE_OPTIONS: Readonly<CompileOptions> = { noEscape: true, strict: true };

/** The key of one source: a hash of everything its compiled code depends on (scripts/precompile-templates.mjs). */
export function templateKey(handlebarsVersion: string, source: string): string {
  return createHash('sha256')
    .update(`handlebars ${handlebarsVersion}\n${JSON.stringify(COMPILE_OPTIONS)}\n${source}`)
    .digest('hex');
}

/** Where each lookup of a TemplateSpecs was answered from: for tests and profiling. */
export interface SpecCounts {
  table: number;
  memo: number;
  disk: number;
  compiled: number;
}

/** Specs by source: the precompiled tables first, then those this instance has seen, then the disk, then a compile. */
export class TemplateSpecs {
  private readonly memo = new Map<string, TemplateSpec>();
  /** How lookups were answered. */
  readonly counts: SpecCounts = { table: 0, memo: 0, disk: 0, compiled: 0 };

  /**
   * @param handlebarsVersion the runtime's version: a table built with another one is never used
   * @param table precompiled specs by templateKey (the built-in templates' tables)
   * @param precompile the compiler for a miss: the source's precompiled code
   * @param store precompiled code kept between runs (undefined: none)
   */
  constructor(
    private readonly handlebarsVersion: string,
    private readonly table: SpecLookup = builtInSpec,
    private readonly precompile: (source: string, options: CompileOptions) => string = precompileSource,
    private readonly store: SpecStore | undefined = new SpecDiskCache(),
  ) {}

  /** The spec of a source; compiled (which throws on a syntax error) only when no table, memo or store has it. */
  spec(source: string): TemplateSpec {
    const key = templateKey(this.handlebarsVersion, source);
    const known = this.memo.get(key);
    if (known) {
      this.counts.memo++;
      return known;
    }
    const spec = this.fromTable(key) ?? this.fromStore(key) ?? this.compiled(key, source);
    this.memo.set(key, spec);
    return spec;
  }

  private fromTable(key: string): TemplateSpec | undefined {
    const spec = this.table(key);
    if (spec) this.counts.table++;
    return spec;
  }

  private fromStore(key: string): TemplateSpec | undefined {
    const code = this.store?.read(key);
    if (code === undefined) return undefined;
    try {
      const spec = specFromCode(code);
      this.counts.disk++;
      return spec;
    } catch {
      return undefined; // unreadable code is compiled afresh and rewritten
    }
  }

  private compiled(key: string, source: string): TemplateSpec {
    this.counts.compiled++;
    const code = this.precompile(source, { ...COMPILE_OPTIONS });
    const spec = specFromCode(code);
    this.store?.write(key, code);
    return spec;
  }
}

/**
 * Precompiled code as functions. `Handlebars.compile` evaluates the code it generates the same way, so a source
 * compiled here gains no reach it did not have; stored code is only read from a folder no one else can write.
 */
export function specFromCode(code: string): TemplateSpec {
  return new Function(`return ${code};`)() as TemplateSpec;
}
