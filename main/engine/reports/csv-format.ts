// CSV writing for the reports: RFC 4180 quoting, LF line ends, no BOM, so that the same rows
// always give the same bytes.

/** Quotes a field when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Free text typed by people (notes) is defused against spreadsheet formula injection: a leading
 * = + - @ or tab would make Excel evaluate it. The reports' ids (from feed files) go the same way.
 */
export function csvFreeText(value: string): string {
  return csvField(/^[=+\-@\t]/.test(value) ? `'${value}` : value);
}

/** One CSV document: the header line, then each line (already formatted, see store/report-store.ts). */
export function csvDocument(header: readonly string[], lines: readonly string[]): string {
  return `${header.join(',')}\n${lines.length > 0 ? `${lines.join('\n')}\n` : ''}`;
}
