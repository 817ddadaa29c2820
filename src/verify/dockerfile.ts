import { DockerfileParser, type Env, type From } from 'dockerfile-ast';

/** A value with the 1-based line and column where it starts. */
export interface Located<T = string> {
  value: T;
  line: number;
  column: number;
}

/** One `FROM` of a Dockerfile. */
export interface DockerFrom {
  /** The image argument as written (`name:tag@sha256:…`), located at its start. */
  image: Located;
  tag?: string | undefined;
  digest?: string | undefined;
  /** The stage name from `AS name`. */
  stageName?: string | undefined;
  /** True when the image is an earlier stage, `scratch`, or contains a build variable. */
  refersToStage: boolean;
  hasVariable: boolean;
}

/** One build stage: its FROM and the ENV variables it sets (later ones win). */
export interface DockerStage {
  from: DockerFrom;
  env: Map<string, Located>;
}

/** Parses a Dockerfile with dockerfile-ast into stages; instructions before the first FROM are ignored. */
export function parseDockerfile(text: string): DockerStage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: DockerStage[] = [];
  const names = new Set<string>(['scratch']);
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = describeFrom(instruction as From, names);
      if (from.stageName) names.add(from.stageName.toLowerCase());
      stages.push({ from, env: new Map() });
    } else if (keyword === 'ENV' && stages.length > 0) {
      const env = stages[stages.length - 1]!.env;
      for (const p of (instruction as Env).getProperties()) {
        const start = p.getNameRange().start;
        env.set(p.getName(), {
          value: unquote(p.getUnescapedValue() ?? ''),
          line: start.line + 1,
          column: start.character + 1,
        });
      }
    }
  }
  return stages;
}

/** The ENV variables in effect in the final stage, including those inherited from earlier stages it builds on. */
export function finalStageEnv(stages: DockerStage[]): Map<string, Located> {
  const chain: DockerStage[] = [];
  let stage = stages[stages.length - 1];
  while (stage && !chain.includes(stage)) {
    chain.unshift(stage);
    const base = stage.from.image.value.toLowerCase();
    stage = stages.find((s) => s.from.stageName?.toLowerCase() === base);
  }
  const env = new Map<string, Located>();
  for (const s of chain) for (const [k, v] of s.env) env.set(k, v);
  return env;
}

function describeFrom(from: From, earlierStages: Set<string>): DockerFrom {
  const range = from.getImageRange() ?? from.getRange();
  const raw = from.getImage() ?? '';
  const hasVariable = raw.includes('$');
  return {
    image: { value: raw, line: range.start.line + 1, column: range.start.character + 1 },
    tag: from.getImageTag() ?? undefined,
    digest: from.getImageDigest() ?? undefined,
    stageName: from.getBuildStage() ?? undefined,
    refersToStage: earlierStages.has(raw.toLowerCase()),
    hasVariable,
  };
}

/** `"a b"` or `'a b'` as the shell would see it: ENV values keep their quotes in dockerfile-ast. */
function unquote(value: string): string {
  const q = value[0];
  return value.length >= 2 && (q === '"' || q === "'") && value.endsWith(q) ? value.slice(1, -1) : value;
}
