#!/usr/bin/env node
// The `recon` command. The engine is TypeScript run from source through tsx, so `npx recon`
// works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

// `recon status | head` closes the pipe early: that is the reader's choice, not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
