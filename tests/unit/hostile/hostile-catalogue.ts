// The named catalogue of hostile and malformed inputs: every case, in README order, and the
// README's text rendered from it (write-readme.ts writes it; the test checks it is current).

import { CSV_CASES } from './cases-csv';
import { BRIDGE_AND_IDENTITY_CASES } from './cases-bridge-identity';
import { ENGINE_CASES } from './cases-engine';
import { NATIVE_CASES } from './cases-native';
import { REPORT_AND_AMOUNT_CASES } from './cases-reports';
import { HOSTILE_CATEGORIES, type HostileCase } from './hostile-case';

/** Every case of the catalogue, grouped by category in HOSTILE_CATEGORIES order. */
export const HOSTILE_CASES: readonly HostileCase[] = [...REPORT_AND_AMOUNT_CASES, ...NATIVE_CASES, ...CSV_CASES, ...ENGINE_CASES, ...BRIDGE_AND_IDENTITY_CASES].sort(
  (a, b) => HOSTILE_CATEGORIES.indexOf(a.category) - HOSTILE_CATEGORIES.indexOf(b.category),
);

/** The README of tests/unit/hostile: each case's id, title and expected outcome, by category. */
export function renderCatalogueReadme(cases: readonly HostileCase[]): string {
  const sections = HOSTILE_CATEGORIES.map((category) => {
    const lines = cases.filter((hostile) => hostile.category === category).map((hostile) => `- \`${hostile.id}\`: ${oneLine(hostile.title)}. Expected: ${oneLine(hostile.expected)}.`);
    return lines.length > 0 ? `## ${category[0]!.toUpperCase()}${category.slice(1)}\n\n${lines.join('\n')}\n` : '';
  });
  return [
    '# Hostile inputs',
    '',
    `The named catalogue of malformed and hostile inputs: ${cases.length} cases, each driving the real engine (real SQLite, the`,
    'real readers, ingest, matcher, reports, services, the loopback bridge and the command line) and asserting its one',
    'expected outcome. `hostile-inputs.test.ts` runs them all; this list is written from the table by',
    '`npx tsx tests/unit/hostile/write-readme.ts`, and the test fails when it no longer matches.',
    '',
    sections.filter(Boolean).join('\n'),
  ].join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\.$/, '');
}
