import fs from 'node:fs';
import Papa from 'papaparse';

/** A report file's rows as objects keyed by its header. */
export function readReport(file: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]!.message}`);
  return parsed.data;
}

/** Parses a report amount ("125.40", "-7.00") into minor units, exactly. */
export function minorOf(amount: string): number {
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const minor = Number(whole) * 10 ** fraction.length + Number(fraction || '0');
  return amount.startsWith('-') ? -minor : minor;
}

/** Counts rows by a column's value. */
export function countBy(rows: Record<string, string>[], column: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row[column]!] = (counts[row[column]!] ?? 0) + 1;
  return counts;
}

/** Sums an amount column per currency, in minor units. */
export function totalsBy(rows: Record<string, string>[], amountColumn: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const row of rows) totals[row.currency!] = (totals[row.currency!] ?? 0) + minorOf(row[amountColumn]!);
  for (const currency of Object.keys(totals)) if (totals[currency] === 0) delete totals[currency];
  return totals;
}
