// Installs onnxruntime-node's CUDA provider (libonnxruntime_providers_{cuda,shared,tensorrt}.so) from the same package
// its own script/install.js downloads, Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 from nuget.org, but only if the
// download has the sha256 pinned below: install.js checks nothing. The Dockerfile and the GPU workflow run this after
// `npm ci` (where .npmrc skips install.js's download), so a changed or unpinned package fails the build.
//   node scripts/install-cuda-provider.mjs [--from <URL or file>]   (--from: a mirror of the same package)
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const PACKAGE = 'microsoft.ml.onnxruntime.gpu.linux.1.30.0.nupkg';
const URL = `https://api.nuget.org/v3-flatcontainer/microsoft.ml.onnxruntime.gpu.linux/1.30.0/${PACKAGE}`;
// The sha256 of PACKAGE. create-detml could not download it where this template was made, so it ships unpinned and
// this script refuses to install: download the package once from a trusted network, check it (README, "Stack"),
// and write its sha256 here. Never remove the check.
const SHA256 = 'UNPINNED';
const TARGET = 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
const FILES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'];

function fail(message) {
  console.error(`install-cuda-provider: ${message}`);
  process.exit(1);
}

if (!/^[0-9a-f]{64}$/.test(SHA256)) fail(`the sha256 of ${PACKAGE} is not pinned in scripts/install-cuda-provider.mjs (see README, "Stack")`);
const fromIndex = process.argv.indexOf('--from');
const source = fromIndex > 0 ? process.argv[fromIndex + 1] : URL;
if (!source) fail('--from needs a URL or a file');

let bytes;
if (/^https?:\/\//.test(source)) {
  const response = await fetch(source).catch((error) => fail(`cannot download ${source}: ${error.message}`));
  if (!response.ok) fail(`cannot download ${source}: HTTP ${response.status}`);
  bytes = Buffer.from(await response.arrayBuffer());
} else {
  bytes = readFileSync(source);
}
const actual = createHash('sha256').update(bytes).digest('hex');
if (actual !== SHA256) fail(`${PACKAGE} has sha256 ${actual}, pinned ${SHA256}: refusing to install it`);

// adm-zip is onnxruntime-node's own dependency (its install.js unpacks the same package with it).
const AdmZip = createRequire(join(process.cwd(), 'package.json'))('adm-zip');
const zip = new AdmZip(bytes);
mkdirSync(TARGET, { recursive: true });
for (const file of FILES) {
  const entry = zip.getEntry(`runtimes/linux-x64/native/${file}`);
  if (!entry) fail(`${PACKAGE} has no runtimes/linux-x64/native/${file}`);
  writeFileSync(join(TARGET, file), entry.getData());
  chmodSync(join(TARGET, file), 0o755);
}
console.log(`install-cuda-provider: ${FILES.length} files from ${PACKAGE} (sha256 ${actual}) in ${TARGET}`);
