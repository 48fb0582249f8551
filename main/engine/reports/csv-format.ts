// CSV writing for the reports: RFC 4180 quoting, LF line ends, no BOM, so that the same rows
// always give the same bytes.

/** Quotes a field when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Defuses text against spreadsheet formula injection: a leading = + - @, tab or carriage return
 * would make Excel (or another spreadsheet) evaluate it, so such text gets a leading quote.
 */
export function defuseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Free text typed by people (notes) is defused against spreadsheet formula injection (defuseFormula).
 * The reports' ids (from feed files) go the same way.
 */
export function csvFreeText(value: string): string {
  return csvField(defuseFormula(value));
}

/** One CSV document: the header line, then each line (already formatted, see store/report-store.ts). */
export function csvDocument(header: readonly string[], lines: readonly string[]): string {
  return `${header.join(',')}\n${lines.length > 0 ? `${lines.join('\n')}\n` : ''}`;
}
