import type { LedgerPaymentInput, NetworkRecordInput, QuarantinedRow, Side } from '../../../shared/domain';
import { maskCardNumbers } from '../../../shared/masking';

/** A feed's format: one of the native network formats, or the id of a CSV feed profile. */
export type FeedFormat = 'mastercard-ipm' | 'visa-base2' | (string & {});

/** Where a reader sends what it reads; the ingest pipeline stores it inside one transaction. */
export type FeedSink = {
  network(record: NetworkRecordInput): void;
  ledger(payment: LedgerPaymentInput): void;
  quarantine(row: QuarantinedRow): void;
};

/** What a reader knows of the file it reads. */
export type FeedContext = {
  /** The file's name as the user knows it, used in every message. */
  fileName: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
};

/** What a reader tells about a file it read whole. */
export type FeedReadSummary = {
  side: Side;
  /** Data rows / messages / transactions seen, whatever became of them. */
  rowsRead: number;
  /** The file's own date (YYYY-MM-DD) where the format carries one (IPM, Base II). */
  fileDate?: string;
  /** Anything else worth keeping in the file's import record (message counts by kind, totals...). */
  details: Record<string, unknown>;
};

/**
 * A file that cannot be read at all; card numbers in the problem are masked. Important: the ingest pipeline rolls back everything the
 * reader already sent to the sink when this is thrown, so a reader may throw at any point.
 */
export class FeedRejectedError extends Error {
  readonly fileName: string;
  /** Where the fault is: "line 12", "byte offset 1014", "record 7"; empty when it is the whole file. */
  readonly where: string;
  readonly problem: string;

  constructor(fileName: string, where: string, problem: string) {
    // Important: a problem may quote the file's bytes (a header line, a field), which may hold a
    // card number; masking it here covers every reader's every rejection.
    const maskedProblem = maskCardNumbers(problem);
    super(`${fileName}${where ? ` (${where})` : ''}: ${maskedProblem}`);
    this.name = 'FeedRejectedError';
    this.fileName = fileName;
    this.where = where;
    this.problem = maskedProblem;
  }
}
