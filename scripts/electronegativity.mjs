#!/usr/bin/env node
// Electronegativity (Doyensec's checker of Electron misconfigurations) over the built app in
// out/. It exits 0 whatever it finds, so its CSV is read here: any HIGH (or worse) finding fails.
// Run by CI after `npm test` has built the app; `npm run security:electron` runs it by hand.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockingFindings, parseElectronegativityCsv } from './electronegativity-report.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'out');
if (!fs.existsSync(path.join(built, 'main', 'index.js'))) {
  console.error('Build the app first (npm run build): out/main/index.js is missing.');
  process.exit(2);
}
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'electronegativity-')), 'findings.csv');
// Pinned: a new release may add checks, which is a change to review, not a surprise in CI.
const run = spawnSync(
  'npx',
  ['--yes', '@doyensec/electronegativity@1.10.3', '--input', built, '--output', csv, '--electron-version', electronVersion, '--relative', '--verbose', 'false'],
  { cwd: root, encoding: 'utf8' },
);
if (!fs.existsSync(csv)) {
  console.error(`Electronegativity wrote no findings file (exit ${run.status}):\n${run.stderr}`);
  process.exit(2);
}
const findings = parseElectronegativityCsv(fs.readFileSync(csv, 'utf8'));
for (const finding of findings) {
  console.log(`${finding.severity.padEnd(8)} ${finding.confidence.padEnd(9)} ${finding.issue}  ${finding.filename}:${finding.location}`);
}
const blocking = blockingFindings(findings);
console.log(`electronegativity: ${findings.length} finding(s), ${blocking.length} of high severity`);
process.exit(blocking.length === 0 ? 0 : 1);
