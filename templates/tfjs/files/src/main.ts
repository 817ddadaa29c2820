// Entrypoint (`npm start`): runs the fixed cases of src/cases.ts and prints one canonical digest per case output,
//   <case> <output> <dtype>[<shape>] sha256=<hex>     or, with --json, one JSON document.
// The determinism environment is checked BEFORE TensorFlow.js is imported (a dynamic import below), because
// libtensorflow and CUDA read it once, when they load. This file is yours to change.
import { checkDeterminism } from './detml/determinism.js';
import { DetmlError } from './detml/env.js';

async function main(): Promise<void> {
  checkDeterminism();
  const { runProject } = await import('./detml/run.js');
  const run = await runProject();
  if (process.argv.includes('--json')) {
    const cases = run.results.map((r) => ({ id: r.id, inputSha256: r.inputSha256, outputs: r.outputs }));
    console.log(JSON.stringify({ backend: run.backend, cases }, null, 2));
    return;
  }
  for (const result of run.results) {
    for (const [name, out] of Object.entries(result.outputs)) {
      console.log(`${result.id} ${name} ${out.dtype}[${out.shape.join(',')}] sha256=${out.sha256}`);
    }
  }
}

main().catch((error: unknown) => {
  // Expected refusals (environment, model hash, config) are one line and exit 1; anything else keeps its stack.
  if (!(error instanceof DetmlError)) throw error;
  console.error(`detml: ${error.message}`);
  process.exitCode = 1;
});
