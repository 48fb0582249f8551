import type { ListExport } from '../../../shared/ipc/recon-api';

/** What the window says after an export: where it went, or why it failed. */
export type ExportMessage = { text: string; isError: boolean };

/** The line an export's outcome shows, counting rows as `noun` ("item", "match"); nothing when the associate cancelled. */
export function exportedMessage(result: ListExport, noun: { one: string; many: string }): ExportMessage | undefined {
  if (result.status === 'cancelled') return undefined;
  const rows = `${result.rows} ${result.rows === 1 ? noun.one : noun.many}`;
  return { text: result.status === 'saved' ? `Exported ${rows} to ${result.path}.` : `Exported ${rows} as ${result.fileName}.`, isError: false };
}
