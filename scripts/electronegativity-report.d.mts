/** One finding of Electronegativity, by its CSV header's names (issue, severity, confidence, filename, location, sample, description, url). */
export type ElectronegativityFinding = Record<string, string>;

/** The findings in the tool's CSV output. */
export function parseElectronegativityCsv(text: string): ElectronegativityFinding[];

/** The findings that fail the check: severity HIGH or CRITICAL. */
export function blockingFindings(findings: readonly ElectronegativityFinding[]): ElectronegativityFinding[];
