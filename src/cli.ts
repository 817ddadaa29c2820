import { GENERATOR_VERSION } from './version.ts';

/** The help text; every flag of every command is listed here and in README.md. */
export const HELP = `create-detml ${GENERATOR_VERSION}: deterministic ML inference projects

Usage:
  npm create detml [dir] -- [options]
  create-detml [dir] [options]          create a project (dir "." means the current folder)
  create-detml sync [options]           update this project to a newer template (sync --help)
  create-detml fleet plan|sync|status   sync many repositories, one PR each, and report versions (fleet --help)
  create-detml verify [dir] [options]   check pins, locks, env, seeds and owned files offline (verify --help)
  create-detml pins resolve|update      resolve image tags to digests, refresh a project's pins (pins --help)

Options:
  -t, --template <id>      onnx (default), tfjs or vllm
  -n, --name <name>        project name (default: the directory name)
  -y, --yes                accept every default; never prompt
      --no-interactive     never prompt (also when stdin is not a TTY or CI is set)
      --no-git             do not initialise git or commit
      --no-install         do not install dependencies
  -f, --force              write into a non-empty directory (each overwritten file is listed and backed up)
      --set <key=value>    set a template answer; repeatable (e.g. --set seed=7)
      --template-root <d>  use templates from <d>/<id>@<version>/ (env DETML_TEMPLATE_ROOT)
  -h, --help               show this help
  -v, --version            show the version

Exit codes: 0 ok, 1 error (or verify findings), 2 invalid input, 3 sync conflicts, 4 update or pin drift (--check), 130 cancelled.
`;

/** The command bundles in dist/ (`<name>.cjs`), one per command so each run loads only its own code. */
export const BUNDLES = ['create', 'sync', 'fleet', 'verify', 'pins'] as const;

/** One bundle's name. */
export type BundleName = (typeof BUNDLES)[number];

/** What a command line asks for: the top-level help or version (answered without loading a bundle), or a bundle. */
export type Route = { kind: 'help' } | { kind: 'version' } | { kind: 'bundle'; bundle: BundleName };

/** Routes argv: a subcommand's bundle (its own --help included), else top-level help/version, else create. */
export function routeOf(argv: readonly string[]): Route {
  const first = argv[0] as BundleName | undefined;
  if (first && first !== 'create' && BUNDLES.includes(first)) return { kind: 'bundle', bundle: first };
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };
  return { kind: 'bundle', bundle: 'create' };
}
