#!/usr/bin/env node
// The `recon` command. The engine is TypeScript run from source through tsx, so `npx recon`
// works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
