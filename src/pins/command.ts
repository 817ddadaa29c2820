import { parseFlags } from '../args.ts';
import { EXIT, UserError } from '../errors.ts';
import { formatResolved, formatUpdate } from './format.ts';
import { resolveImage } from './resolve.ts';
import { runPinsUpdate } from './update.ts';

/** Help for `create-detml pins`. */
export const PINS_HELP = `Usage:
  create-detml pins resolve <image:tag> [options]   print the tag's digest (index) and its linux/amd64 manifest
  create-detml pins update [dir] [options]          re-resolve every FROM and workflow container image, rewrite stale digests
  create-detml pins update --check [dir]            only report stale digests (exit 4 if any); changes nothing

Options:
      --registry-url <url>     talk to this registry API instead (a mirror; http only for 127.0.0.1/localhost)
      --credentials-env <P>    read credentials from $P_USER / $P_PASSWORD (default DETML_REGISTRY)
      --json                   print JSON
  -h, --help                   show this help

Docker Hub and nvcr.io are reached anonymously with their Bearer-token flow unless credentials are set; other
registries may ask for Basic credentials. Credentials are sent only to the registry and its token server, never printed.
Exit codes: 0 ok (or up to date), 1 error, 2 invalid input, 4 stale pins (--check).
`;

/** Runs `create-detml pins ...` and returns the exit code. */
export async function pinsCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [sub, ...rest] = positionals;
  if (values.help || !sub) {
    process.stdout.write(PINS_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const options = { registryUrl: values['registry-url'], credentialsEnv: values['credentials-env'] };
  if (sub === 'resolve') {
    if (rest.length !== 1)
      throw new UserError(
        'pins resolve takes one image reference, e.g. nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04.',
        EXIT.usage,
      );
    const resolved = await resolveImage(rest[0]!, options);
    process.stdout.write(values.json ? `${JSON.stringify(resolved, null, 2)}\n` : formatResolved(resolved));
    return EXIT.ok;
  }
  if (sub === 'update') {
    if (rest.length > 1) throw new UserError(`Expected at most one directory, got: ${rest.join(' ')}`, EXIT.usage);
    const check = values.check ?? false;
    const result = await runPinsUpdate(rest[0] ?? process.cwd(), { ...options, check });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatUpdate(result, check));
    return check && result.changes.length > 0 ? EXIT.updateAvailable : EXIT.ok;
  }
  throw new UserError(`Unknown pins command "${sub}"; use resolve or update.`, EXIT.usage);
}

function parse(argv: readonly string[]) {
  return parseFlags(
    argv,
    {
      'registry-url': { type: 'string' },
      'credentials-env': { type: 'string' },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'create-detml pins',
  );
}
