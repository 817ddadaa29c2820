#!/usr/bin/env node
// CommonJS on purpose: an ESM entry starts Node's ESM loader, which costs every command ~8 ms (bench/README.md).
require('./dist/main.cjs');
