#!/usr/bin/env node
// `npm run bench`: the engine's benchmark (bench/README.md). TypeScript run from source through
// tsx, like the `recon` command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/run-bench.ts');
process.exitCode = await main(process.argv.slice(2));
