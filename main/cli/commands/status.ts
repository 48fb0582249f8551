// recon status: what the database holds.

import {
  DATABASE_OPTION,
  DATABASE_URL_OPTION,
  EXIT_FAILED,
  EXIT_OK,
  openServices,
  PROFILES_OPTION,
  type CliContext,
  type CommandLine,
  type Output,
} from '../command';

export const name = 'status';

export const summary = [{ call: '[--json]', text: 'what the database holds: files, records, matches, open items' }];

export const usage = ['recon status [--json] [--db FILE | --database-url URL]'];

export const description = `Prints the files ingested, records per side, matches, open items per category and reason, and
quarantined rows. Exits 1, saying why, when the audit log was altered outside the app (every change
is then refused; see recon audit verify).`;

export const options = [{ name: 'json', help: 'print it all as one JSON document' }, DATABASE_OPTION, DATABASE_URL_OPTION, PROFILES_OPTION];

export function run({ values }: CommandLine, output: Output, context: CliContext): number {
  const services = openServices(values, context);
  try {
    const status = services.status();
    const integrity = services.auditIntegrity();
    // The store's counts still print: reading works over a broken log; the exit code says it is broken.
    const verdict = (): number => {
      if (integrity.intact) return EXIT_OK;
      output.err(`recon: ${integrity.writesStopped}`);
      return EXIT_FAILED;
    };
    if (values.json) {
      output.out(JSON.stringify(status, null, 2));
      return verdict();
    }
    output.out(`database: ${services.databasePath}`);
    output.out(`files: ${status.files.reduce((sum, row) => sum + row.files, 0)}`);
    for (const row of status.files) {
      output.out(
        `  ${row.format.padEnd(16)} ${row.side.padEnd(8)} ${String(row.files).padStart(4)} files ${String(row.rowsStored).padStart(9)} rows ` +
          `${row.rowsQuarantined} quarantined${row.side === 'NETWORK' ? `, ${row.rowsOutOfScope} out of scope` : ''}`,
      );
    }
    output.out(
      `network records: ${status.networkRecords.total} (${status.networkRecords.inScope} in scope, ${status.networkRecords.outOfScope} out of scope)`,
    );
    output.out(`ledger payments: ${status.ledgerPayments}`);
    const kinds = Object.entries(status.matches.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    output.out(`matches: ${status.matches.total}${kinds ? ` (${kinds})` : ''}`);
    output.out(`open items: ${status.openItems.reduce((sum, row) => sum + row.items, 0)}`);
    for (const row of status.openItems) output.out(`  ${row.category.padEnd(15)} ${row.reason.padEnd(22)} ${row.items}`);
    output.out(`quarantined rows: ${status.quarantinedRows}`);
    output.out(status.lastRunDate ? `last matching run: as of ${status.lastRunDate} (rules v${status.ruleSetVersion})` : 'no matching run yet');
    return verdict();
  } finally {
    services.close();
  }
}
