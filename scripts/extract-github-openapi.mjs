// Extracts the GitHub REST operations create-detml calls from @octokit/openapi's api.github.com.json into the small,
// self-contained OpenAPI file the fake GitHub in tests/helpers/fake-github validates every request and response against.
//
// Usage: node scripts/extract-github-openapi.mjs [path/to/api.github.com.json]
// Without a path it runs `npm pack @octokit/openapi@<VERSION>` in a temp dir (the package is 400 MB unpacked, so it is
// never a dependency). Output: tests/fixtures/github-openapi.json. Rerun after changing OPERATIONS or VERSION.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VERSION = '23.0.2';
const OUTPUT = new URL('../tests/fixtures/github-openapi.json', import.meta.url);

/** Every operation sync/github.ts calls for sync and fleet (operationId as in GitHub's description). */
const OPERATIONS = [
  'repos/get',
  'pulls/list',
  'pulls/create',
  'pulls/update',
  'issues/get-label',
  'issues/create-label',
  'issues/add-labels',
  'issues/remove-label',
  'issues/list-comments',
  'issues/create-comment',
  'apps/get-repo-installation',
  'apps/create-installation-access-token',
  // fleet: discovery, state files and forks (sync/fleet/)
  'repos/list-for-org',
  'repos/get-content',
  'repos/create-fork',
  'apps/list-repos-accessible-to-installation',
  'users/get-by-username',
];

// Keywords dropped from the extract to keep it small; never dropped where they name a property.
const STRIP = new Set([
  'description',
  'example',
  'examples',
  'externalDocs',
  'x-github',
  'x-octokit',
  'x-github-breaking-changes',
  'x-github-releases',
]);

function loadSpec(path) {
  if (path) return JSON.parse(readFileSync(path, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'octokit-openapi-'));
  try {
    execFileSync('npm', ['pack', `@octokit/openapi@${VERSION}`, '--silent'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const file = 'package/generated/api.github.com.json';
    execFileSync('tar', ['-xzf', `octokit-openapi-${VERSION}.tgz`, file], { cwd: dir });
    return JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function strip(node, parentKey) {
  if (Array.isArray(node)) return node.map((n) => strip(n, undefined));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (parentKey !== 'properties' && STRIP.has(key)) continue;
    out[key] = strip(value, key);
  }
  return out;
}

function collectRefs(node, found) {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value);
      else collectRefs(value, found);
    }
  }
}

function resolvePointer(spec, ref) {
  const parts = ref
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((node, part) => node?.[part], spec);
}

const spec = loadSpec(process.argv[2]);
const paths = {};
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!OPERATIONS.includes(op?.operationId)) continue;
    (paths[path] ??= {})[method] = strip(op);
  }
}
const missing = OPERATIONS.filter(
  (id) => !Object.values(paths).some((item) => Object.values(item).some((op) => op.operationId === id)),
);
if (missing.length) throw new Error(`Operations not in the description: ${missing.join(', ')}`);

// Follow $refs to a fixed point, copying each referenced component (stripped) into the extract.
const components = {};
const done = new Set();
let pending = new Set();
collectRefs(paths, pending);
while (pending.size) {
  const next = new Set();
  for (const ref of pending) {
    if (done.has(ref)) continue;
    done.add(ref);
    const [, , kind, name] = ref.split('/');
    if (kind === 'examples') continue;
    const target = strip(resolvePointer(spec, ref));
    if (target === undefined) throw new Error(`Dangling $ref ${ref}`);
    (components[kind] ??= {})[name] = target;
    collectRefs(target, next);
  }
  pending = next;
}
for (const kind of Object.keys(components))
  components[kind] = Object.fromEntries(Object.entries(components[kind]).sort(([a], [b]) => a.localeCompare(b)));

const extract = {
  openapi: spec.openapi,
  info: {
    title: `${spec.info.title} (excerpt for create-detml tests)`,
    version: spec.info.version,
    'x-source': `@octokit/openapi@${VERSION} generated/api.github.com.json`,
    'x-operations': OPERATIONS,
  },
  servers: [{ url: '/api/v3' }],
  paths,
  components,
};
writeFileSync(OUTPUT, `${JSON.stringify(extract)}\n`);
console.log(
  `Wrote ${OUTPUT.pathname}: ${OPERATIONS.length} operations, ${done.size} components, ${JSON.stringify(extract).length} bytes`,
);
