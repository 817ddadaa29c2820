// `npm run lint` part 2: everything that decides the numbers must be pinned. Exits 1 with one line per problem.
//   - package.json: exact versions for dependencies, optionalDependencies (tfjs-node-gpu) and devDependencies, and
//     a v3 package-lock.json that matches, with a resolved URL and an integrity hash for every package
//   - allowScripts: every approved install script pinned to the locked version (name@version)
//   - Dockerfile: every FROM pinned by @sha256 digest
//   - .github/workflows: every `uses:` pinned by a full 40-hex commit SHA
//   - model files: sha256 of model.json and of every weight shard equal detml.config.json's
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const problems = [];
const read = (file) => readFileSync(file, 'utf8');
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

const pkg = JSON.parse(read('package.json'));
const deps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.devDependencies };
for (const [name, range] of Object.entries(deps)) {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(range)) problems.push(`package.json: ${name} is "${range}", not an exact version`);
}
if (!existsSync('package-lock.json')) problems.push('package-lock.json is missing (run npm install and commit it)');
else {
  const lock = JSON.parse(read('package-lock.json'));
  if (lock.lockfileVersion !== 3) problems.push(`package-lock.json: lockfileVersion ${lock.lockfileVersion}, expected 3`);
  for (const [name, version] of Object.entries(deps)) {
    const locked = lock.packages?.[`node_modules/${name}`]?.version;
    if (locked !== version) problems.push(`package-lock.json: ${name} is ${locked ?? 'absent'}, package.json wants ${version}`);
  }
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '' || entry.link) continue;
    if (!entry.resolved || !/^sha512-/.test(entry.integrity ?? '')) problems.push(`package-lock.json: ${path} has no resolved URL or sha512 integrity`);
  }
  for (const [spec, allowed] of Object.entries(pkg.allowScripts ?? {})) {
    if (allowed !== true) continue;
    const at = spec.lastIndexOf('@');
    const [name, version] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
    const locked = lock.packages?.[`node_modules/${name}`]?.version;
    if (version !== locked) problems.push(`package.json: allowScripts "${spec}" must be pinned to the locked version (${name}@${locked ?? 'absent'})`);
  }
}

for (const line of existsSync('Dockerfile') ? read('Dockerfile').split('\n') : []) {
  const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
  if (from && !/@sha256:[0-9a-f]{64}$/.test(from[1])) problems.push(`Dockerfile: "${line.trim()}" is not pinned by @sha256 digest`);
}

const workflows = '.github/workflows';
for (const file of existsSync(workflows) ? readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)) : []) {
  for (const [i, line] of read(join(workflows, file)).split('\n').entries()) {
    const uses = /^\s*(?:-\s*)?uses:\s*(\S+)/.exec(line);
    if (uses && !uses[1].startsWith('./') && !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses[1])) {
      problems.push(`${workflows}/${file}:${i + 1}: ${uses[1]} is not pinned by a full commit SHA`);
    }
  }
}

const { model } = JSON.parse(read('detml.config.json'));
const files = [[model.path, model.sha256], ...Object.entries(model.weights ?? {}).map(([shard, sha]) => [join(dirname(model.path), shard), sha])];
for (const [file, expected] of files) {
  const actual = existsSync(file) ? sha256(file) : 'missing';
  if (actual !== expected) problems.push(`${file}: sha256 ${actual}, detml.config.json says ${expected}`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-pins: ${p}`);
  process.exit(1);
}
console.log('check-pins: dependencies, lockfile, install scripts, image digests, action SHAs and model hashes are pinned');
