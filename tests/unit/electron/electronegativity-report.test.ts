import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockingFindings, parseElectronegativityCsv } from '../../../scripts/electronegativity-report.mjs';

describe('reading Electronegativity\'s findings', () => {
  it('reads each finding by the header\'s names, quoted samples and all, and fails only on high severity', () => {
    // A CSV as the tool writes it (its header has a space after each comma), with one HIGH finding.
    const findings = parseElectronegativityCsv(fs.readFileSync(path.resolve('tests/fixtures/electronegativity-findings.csv'), 'utf8'));
    expect(findings.map((finding) => [finding.issue, finding.severity])).toEqual([
      ['CSP_GLOBAL_CHECK', 'LOW'],
      ['LIMIT_NAVIGATION_GLOBAL_CHECK', 'HIGH'],
      ['PRELOAD_JS_CHECK', 'MEDIUM'],
    ]);
    expect(findings[2]?.sample).toBe('preload: path.join(here, "..", "preload", "index.cjs"),');
    expect(blockingFindings(findings).map((finding) => finding.issue)).toEqual(['LIMIT_NAVIGATION_GLOBAL_CHECK']);
    expect(blockingFindings(findings.filter((finding) => finding.severity !== 'HIGH'))).toEqual([]);
  });
});
