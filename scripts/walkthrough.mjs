#!/usr/bin/env node
// `npm run walkthrough`: a walk-through of the engine on demo data, typed
// out as the commands a newcomer would run, in a throw-away folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-walkthrough-'));
const feeds = path.join(work, 'feeds');
const reports = path.join(work, 'reports');
const db = path.join(work, 'recon.db');

function recon(...args) {
  console.log(`\n$ recon ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'recon.mjs'), ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\nthe walk-through stopped: 'recon ${args[0]}' exited with ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

console.log(`Recon Workstation: a walk-through of the engine on demo data
(the desktop app, npm start, drives this same engine; this shows it from the command line).
Working folder: ${work}`);

recon('demo', '--out', feeds, '--days', '5', '--per-day', '200', '--seed', '7', '--start', '2026-11-02');
const days = fs
  .readdirSync(feeds, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
for (const day of days) {
  recon('ingest', path.join(feeds, day), '--db', db);
  recon('report', '--date', day, '--db', db, '--out', reports);
}
recon('status', '--db', db);
console.log(`
Done. The reports are in ${reports}; the database is ${db}.
Try: node bin/recon.mjs --help`);
