// "Export what you see": a list's current filter as XLSX or CSV. The engine writes the bytes; the
// front end chooses where they go (the desktop's save dialog, or a browser's download).
//
// Important: every text cell is defused against formula injection (defuseFormula) and the card
// appears only as it was masked when its file was read; amounts are numbers of major units in
// the XLSX (formatted with the currency's decimals) and decimal text in the CSV, both computed
// from integer minor units.

import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { currencyExponent } from '../../../shared/currency';
import type { ListExport, MatchesFilter, QueueFilter } from '../../../shared/ipc/recon-api';
import { formatAmount } from '../../../shared/money';
import type { ReadonlyDb } from '../store/database';
import { iterateMatches, type ExportedMatch } from '../store/matches-store';
import { iterateQueue, queueContext, type QueueExportRow } from '../store/queue-store';
import { csvDocument, csvField, defuseFormula } from './csv-format';

/** A file format an export writes. */
export type ExportFormat = 'xlsx' | 'csv';

const MEDIA_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv;charset=utf-8',
};

/** One column of an exported list: its header, and its cell as text, a date, a count, or an amount in minor units of a currency. */
type ExportColumn<Row> = {
  header: string;
  width: number;
  cell: (row: Row) => { text: string } | { count: number } | { minor: number; currency: string };
};

/** A list to export: its sheet's name and its columns. */
type ListDefinition<Row> = { sheetName: string; columns: readonly ExportColumn<Row>[] };

/** A card as masked when its file was read: first six and last four of a network record, the last four of a payment. */
function maskedCard(row: QueueExportRow): string {
  if (row.panFirst6) return `${row.panFirst6}******${row.cardLast4}`;
  return row.cardLast4 === '' ? '' : `******${row.cardLast4}`;
}

/** The queue's columns, in the order the window shows them, with what the window keeps in the detail (card, note). */
export const QUEUE_EXPORT: ListDefinition<QueueExportRow> = {
  sheetName: 'Open items',
  columns: [
    { header: 'Id', width: 10, cell: (row) => ({ count: row.id }) },
    { header: 'Category', width: 16, cell: (row) => ({ text: row.category }) },
    { header: 'Reason', width: 22, cell: (row) => ({ text: row.reason }) },
    { header: 'Side', width: 10, cell: (row) => ({ text: row.side }) },
    { header: 'Network', width: 13, cell: (row) => ({ text: row.network }) },
    { header: 'Reference', width: 28, cell: (row) => ({ text: row.reference }) },
    { header: 'Card', width: 19, cell: (row) => ({ text: maskedCard(row) }) },
    { header: 'Amount', width: 15, cell: (row) => ({ minor: row.amountMinor, currency: row.currency }) },
    { header: 'Currency', width: 10, cell: (row) => ({ text: row.currency }) },
    { header: 'Record date', width: 12, cell: (row) => ({ text: row.recordDate }) },
    { header: 'Opened on', width: 12, cell: (row) => ({ text: row.openedOn }) },
    { header: 'Age (days)', width: 11, cell: (row) => ({ count: row.ageDays }) },
    { header: 'Note', width: 40, cell: (row) => ({ text: row.note }) },
  ],
};

/** The Matches view's columns, in its order, each member id listed (separated by a space). */
export const MATCHES_EXPORT: ListDefinition<ExportedMatch> = {
  sheetName: 'Matches',
  columns: [
    { header: 'Match', width: 10, cell: (row) => ({ count: row.id }) },
    { header: 'Business date', width: 13, cell: (row) => ({ text: row.businessDate }) },
    { header: 'Kind', width: 7, cell: (row) => ({ text: row.kind }) },
    { header: 'Rule', width: 16, cell: (row) => ({ text: row.rule }) },
    { header: 'Reason', width: 9, cell: (row) => ({ text: row.reason }) },
    { header: 'Network', width: 13, cell: (row) => ({ text: row.network }) },
    { header: 'Amount', width: 15, cell: (row) => ({ minor: row.amountMinor, currency: row.currency }) },
    { header: 'Currency', width: 10, cell: (row) => ({ text: row.currency }) },
    { header: 'Network records', width: 30, cell: (row) => ({ text: row.networkRecordIds.join(' ') }) },
    { header: 'Ledger payments', width: 30, cell: (row) => ({ text: row.ledgerPaymentIds.join(' ') }) },
    { header: 'Resolved by', width: 16, cell: (row) => ({ text: row.resolvedBy }) },
    { header: 'Status', width: 9, cell: (row) => ({ text: row.status }) },
    { header: 'Note', width: 40, cell: (row) => ({ text: row.note }) },
  ],
};

/** The spreadsheet number format of a currency's amounts: its own number of decimals. */
export function amountNumberFormat(currency: string): string {
  const exponent = currencyExponent(currency);
  return exponent === 0 ? '#,##0' : `#,##0.${'0'.repeat(exponent)}`;
}

/**
 * Minor units as a number of major units for a spreadsheet cell. The one division is the last
 * step; a double holds every amount below 2^53 minor units to the cent the format shows.
 */
function majorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/** The rows as an XLSX workbook: a frozen header row, an autofilter over every column, amounts as formatted numbers. */
export async function listXlsx<Row>(definition: ListDefinition<Row>, rows: Iterable<Row>): Promise<{ bytes: Buffer; rows: number }> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(definition.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = definition.columns.map((column) => ({ header: column.header, width: column.width }));
  sheet.getRow(1).font = { bold: true };
  let count = 0;
  for (const row of rows) {
    const sheetRow = sheet.addRow([]);
    definition.columns.forEach((column, index) => {
      const cell = sheetRow.getCell(index + 1);
      const value = column.cell(row);
      if ('text' in value) cell.value = defuseFormula(value.text);
      else if ('count' in value) cell.value = value.count;
      else {
        cell.value = majorUnits(value.minor, value.currency);
        cell.numFmt = amountNumberFormat(value.currency);
      }
    });
    count += 1;
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: count + 1, column: definition.columns.length } };
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  return { bytes, rows: count };
}

/** The rows as CSV: RFC 4180, LF line ends, amounts as decimal major units, text defused. */
export function listCsv<Row>(definition: ListDefinition<Row>, rows: Iterable<Row>): { bytes: Buffer; rows: number } {
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(
      definition.columns
        .map((column) => {
          const value = column.cell(row);
          if ('text' in value) return csvField(defuseFormula(value.text));
          if ('count' in value) return String(value.count);
          return formatAmount(value.minor, value.currency);
        })
        .join(','),
    );
  }
  return { bytes: Buffer.from(csvDocument(definition.columns.map((column) => column.header), lines), 'utf8'), rows: lines.length };
}

/** When an export was made, for its file name: local-independent UTC, to the minute. */
function exportStamp(now: Date): string {
  return now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

/** The filter's narrowing values as file-name words: lower case, hyphens for underscores. */
function nameParts(parts: readonly (string | undefined)[]): string[] {
  return parts.filter((part) => part !== undefined).map((part) => part.toLowerCase().replace(/_/g, '-'));
}

/** The file name an export of the queue suggests: what it holds and when. */
export function queueExportFileName(filter: QueueFilter, format: ExportFormat, now: Date): string {
  const category = filter.category === 'MISMATCH' ? 'mismatches' : 'global-finance';
  return `open-${[category, ...nameParts([filter.network, filter.side, filter.reason])].join('-')}-${exportStamp(now)}.${format}`;
}

/** The file name an export of the Matches view suggests: what it holds and when. */
export function matchesExportFileName(filter: MatchesFilter, format: ExportFormat, now: Date): string {
  const madeBy = filter.madeBy === undefined ? undefined : filter.madeBy === 'hand' ? 'by-hand' : 'by-run';
  const range = filter.from || filter.to ? `${filter.from ?? 'start'}-to-${filter.to ?? 'end'}` : undefined;
  return `${['matches', ...nameParts([madeBy, filter.rule, filter.network, range])].join('-')}-${exportStamp(now)}.${format}`;
}

/** How an export reaches the associate: a chosen file (the desktop), or bytes for the window (a browser). */
export type ExportDestination = { now: Date; chooseFile?: (suggestedName: string) => Promise<string | undefined> };

/** A list's rows written where the associate chose, or handed back for the window to download. */
async function exportList<Row>(
  db: ReadonlyDb,
  definition: ListDefinition<Row>,
  readRows: () => Iterable<Row>,
  format: ExportFormat,
  fileName: string,
  destination: ExportDestination,
): Promise<ListExport> {
  let chosen: string | undefined;
  if (destination.chooseFile) {
    chosen = await destination.chooseFile(fileName);
    if (chosen === undefined) return { status: 'cancelled' };
  }
  // Read after the dialog closes, so the file holds the list as it is when saved; in one read transaction.
  const rows = db.transaction(() => [...readRows()])();
  const file = format === 'xlsx' ? await listXlsx(definition, rows) : listCsv(definition, rows);
  if (chosen !== undefined) {
    fs.writeFileSync(chosen, file.bytes);
    return { status: 'saved', path: chosen, rows: file.rows };
  }
  return { status: 'download', fileName, mediaType: MEDIA_TYPES[format], contentBase64: file.bytes.toString('base64'), rows: file.rows };
}

/** The queue's filter exported: written where the associate chose, or handed back for the window to download. */
export async function exportQueue(db: ReadonlyDb, filter: QueueFilter, format: ExportFormat, destination: ExportDestination): Promise<ListExport> {
  const fileName = queueExportFileName(filter, format, destination.now);
  return exportList(db, QUEUE_EXPORT, () => iterateQueue(db, filter, queueContext(db, destination.now)), format, fileName, destination);
}

/** The Matches view's filter exported, newest first as the list shows it. */
export async function exportMatches(db: ReadonlyDb, filter: MatchesFilter, format: ExportFormat, destination: ExportDestination): Promise<ListExport> {
  const fileName = matchesExportFileName(filter, format, destination.now);
  return exportList(db, MATCHES_EXPORT, () => iterateMatches(db, filter), format, fileName, destination);
}
