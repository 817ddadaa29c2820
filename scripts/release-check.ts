// Release check for maintainers and CI (`npm run release:check -- [--registry <url>] [--tag <dist-tag>]`): every
// template this checkout ships either renders byte-identically to the last published version of the same template
// version, or is a newer version with a changelog entry. Exit 0 when all pass, 1 otherwise (one line per template).
import { join } from 'node:path';
import { parseFlags } from '../src/args.ts';
import { releaseCheck } from './release-against-registry.ts';

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      registry: { type: 'string' },
      tag: { type: 'string', default: 'latest' },
      root: { type: 'string', default: join(import.meta.dirname, '..') },
    },
    'release-check',
  );
  const result = await releaseCheck({
    root: values.root,
    name: 'create-detml',
    tag: values.tag,
    registry: values.registry,
  });
  console.log(
    `release check against ${result.published ?? `no published create-detml@${values.tag} (first release)`}:`,
  );
  for (const v of result.verdicts) (v.ok ? console.log : console.error)(`${v.ok ? 'ok  ' : 'FAIL'} ${v.line}`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`release check: ${error.message}`);
    process.exitCode = 1;
  },
);
