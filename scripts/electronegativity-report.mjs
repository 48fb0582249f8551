// Reads Electronegativity's CSV output: one finding per line after the header, fields quoted
// when they hold commas or quotes (a finding's sample is a line of the app's code).
import Papa from 'papaparse';

/** The fields of one finding, by the CSV header's names (trimmed: the tool writes ", " between them). */
export function parseElectronegativityCsv(text) {
  const parsed = Papa.parse(text.trim(), { header: true, skipEmptyLines: true, transformHeader: (name) => name.trim(), transform: (value) => value.trim() });
  return parsed.data;
}

/** The findings that fail the check: severity HIGH or CRITICAL, whatever the confidence. */
export function blockingFindings(findings) {
  return findings.filter((finding) => ['HIGH', 'CRITICAL'].includes(String(finding.severity).toUpperCase()));
}
