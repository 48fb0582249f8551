// A separate process that opens databases on request, for the tests of two processes creating
// one database together: each line on standard input is a database path to open (creating and
// migrating it) and close; each answer is one JSON line on standard output.

import readline from 'node:readline';
import { openDatabase } from '../../main/engine/store/database';

const lines = readline.createInterface({ input: process.stdin });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const file of lines) {
  try {
    openDatabase(file).close();
    process.stdout.write(`${JSON.stringify({ file, ok: true })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ file, ok: false, message: (error as Error).message })}\n`);
  }
}
