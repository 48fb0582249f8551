#!/usr/bin/env node
// `npm test`: every test. First the engine's and the window's components' tests (vitest), then
// the store's suites again on a real PostgreSQL server (team mode; each file starts its own), then
// the window end to end (Playwright, in Debian's Chromium over the loopback bridge, and in
// Electron wherever its binary is installed) against a fresh build. Ends with one plain line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(title, command, args, env = {}) {
  console.log(`\n== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const vitestJson = path.join(results, 'vitest.json');
const postgresJson = path.join(results, 'vitest-postgres.json');
const playwrightJson = path.join(results, 'playwright.json');
for (const file of [vitestJson, postgresJson, playwrightJson]) fs.rmSync(file, { force: true });

const isUnitOk = run('unit and component tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestJson}`,
]);

const isPostgresOk = run('the store suites on PostgreSQL (vitest, team mode)', bin('vitest'), [
  'run',
  '--config',
  'vitest.postgres.config.ts',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${postgresJson}`,
]);

const chromium = process.env.RECON_CHROMIUM ?? '/usr/bin/chromium';
let isEndToEndOk = false;
if (!fs.existsSync(chromium)) {
  console.error(`\nThe end-to-end tests need Chromium at ${chromium}: install it (Debian: apt-get install -y chromium) or set RECON_CHROMIUM.`);
} else {
  isEndToEndOk =
    run('build the app (electron-vite)', bin('electron-vite'), ['build']) &&
    run('the window end to end (Playwright)', bin('playwright'), ['test', '--reporter=list,json'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
    });
}

const unit = readJson(vitestJson);
const postgres = readJson(postgresJson);
const endToEnd = readJson(playwrightJson);
const passed = (unit?.numPassedTests ?? 0) + (postgres?.numPassedTests ?? 0) + (endToEnd?.stats?.expected ?? 0) + (endToEnd?.stats?.flaky ?? 0);
const failed = (unit?.numFailedTests ?? 0) + (postgres?.numFailedTests ?? 0) + (endToEnd?.stats?.unexpected ?? 0);
const skipped = (unit?.numPendingTests ?? 0) + (postgres?.numPendingTests ?? 0) + (endToEnd?.stats?.skipped ?? 0);
// A suite that stopped before its tests (a syntax error, a missing browser) counts no failure:
// say so, or the closing line would read green over a red run.
const problems = [
  ...(isUnitOk || (unit?.numFailedTests ?? 0) > 0 ? [] : ['vitest did not complete']),
  ...(isPostgresOk || (postgres?.numFailedTests ?? 0) > 0 ? [] : ['the PostgreSQL suites did not complete']),
  ...(isEndToEndOk || (endToEnd?.stats?.unexpected ?? 0) > 0 ? [] : ['the end-to-end tests did not complete']),
];
console.log(
  `\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}` +
    ` (vitest ${unit ? unit.numPassedTests : 'did not report'}, on PostgreSQL ${postgres ? postgres.numPassedTests : 'did not report'}, end to end ${endToEnd ? endToEnd.stats.expected : 'did not run'})` +
    (problems.length > 0 ? `; ${problems.join(', ')}: see above` : ''),
);
process.exit(isUnitOk && isPostgresOk && isEndToEndOk ? 0 : 1);
