// `npm run lint` part 2: everything that decides the numbers must be pinned. Exits 1 with one line per problem.
//   - package.json: exact dependency versions (no ^, ~, ranges or tags), and a v3 package-lock.json that matches
//   - Dockerfile: every FROM pinned by @sha256 digest
//   - .github/workflows: every `uses:` pinned by a full 40-hex commit SHA
//   - model file: sha256 equals detml.config.json's model.sha256
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const problems = [];
const read = (file) => readFileSync(file, 'utf8');

const pkg = JSON.parse(read('package.json'));
const deps = { ...pkg.dependencies, ...pkg.devDependencies };
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

const config = JSON.parse(read('detml.config.json'));
const modelSha = createHash('sha256').update(readFileSync(config.model.path)).digest('hex');
if (modelSha !== config.model.sha256) problems.push(`${config.model.path}: sha256 ${modelSha}, detml.config.json says ${config.model.sha256}`);

if (problems.length > 0) {
  for (const p of problems) console.error(`check-pins: ${p}`);
  process.exit(1);
}
console.log('check-pins: dependencies, lockfile, image digests, action SHAs and model hash are pinned');
