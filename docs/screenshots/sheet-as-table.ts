// Renders an exported workbook's first sheet as a spreadsheet program shows it (column letters,
// row numbers, the frozen bold header with its filter buttons, numbers in their cell format), so
// the README can show what an associate sees when they open an export. Reads the real file.
import ExcelJS from 'exceljs';

/** A cell's value as its number format shows it ('#,##0.00' and the like), or its text. */
function shown(cell: ExcelJS.Cell): { text: string; isNumber: boolean } {
  const value = cell.value;
  if (typeof value === 'number') {
    const decimals = /\.(0+)$/.exec(cell.numFmt ?? '')?.[1]?.length ?? 0;
    const grouped = (cell.numFmt ?? '').includes(',');
    return { text: value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: grouped }), isNumber: true };
  }
  return { text: value === null || value === undefined ? '' : String(value), isNumber: false };
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HTML page of the first sheet of an XLSX file's bytes, its first `rows` rows. */
export async function sheetAsHtml(bytes: Buffer, title: string, rows = 20): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error(`${title} has no sheet`);
  const columns = sheet.columnCount;
  const letters = Array.from({ length: columns }, (_, index) => String.fromCharCode(65 + index));
  const widths = Array.from({ length: columns }, (_, index) => Math.round((sheet.getColumn(index + 1).width ?? 10) * 7.5));
  const body: string[] = [];
  for (let rowNumber = 1; rowNumber <= Math.min(sheet.rowCount, rows); rowNumber += 1) {
    const row = sheet.getRow(rowNumber);
    const cells = letters.map((_, index) => {
      const value = shown(row.getCell(index + 1));
      const filter = rowNumber === 1 ? '<span class="filter">▾</span>' : '';
      return `<td class="${value.isNumber ? 'number' : ''}">${escape(value.text)}${filter}</td>`;
    });
    body.push(`<tr class="${rowNumber === 1 ? 'header' : ''}"><th>${rowNumber}</th>${cells.join('')}</tr>`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><style>
    body { margin: 0; font: 13px Calibri, Carlito, 'Liberation Sans', Arial, sans-serif; background: #fff; color: #222; }
    .bar { padding: 8px 12px; background: #217346; color: #fff; font-size: 14px; }
    .tab { padding: 4px 12px; border-top: 1px solid #bbb; background: #f3f3f3; font-size: 12px; }
    .tab span { display: inline-block; padding: 2px 14px; background: #fff; border: 1px solid #bbb; border-top: 0; color: #217346; font-weight: bold; }
    table { border-collapse: collapse; table-layout: fixed; }
    th, td { border: 1px solid #d4d4d4; padding: 2px 5px; height: 18px; white-space: nowrap; overflow: hidden; text-overflow: clip; }
    th { background: #efefef; color: #555; font-weight: normal; text-align: center; }
    thead th { position: sticky; top: 0; }
    td.number { text-align: right; }
    tr.header td { font-weight: bold; border-bottom: 2px solid #9bbb9b; position: relative; padding-right: 18px; }
    .filter { position: absolute; right: 2px; top: 2px; width: 13px; height: 14px; border: 1px solid #aaa; background: #f7f7f7; font-size: 9px; line-height: 14px; text-align: center; font-weight: normal; }
  </style></head><body>
    <div class="bar">${escape(title)}</div>
    <table><colgroup><col style="width: 36px">${widths.map((width) => `<col style="width: ${width}px">`).join('')}</colgroup>
    <thead><tr><th></th>${letters.map((letter) => `<th>${letter}</th>`).join('')}</tr></thead>
    <tbody>${body.join('')}</tbody></table>
    <div class="tab"><span>${escape(sheet.name)}</span></div>
  </body></html>`;
}
