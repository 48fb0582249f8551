// Turns a profile and a file's header into one converter for that file's rows. Every choice a
// profile makes (which column, which conversion, which value map) is resolved here, once, into
// small closures; the per-row work is then index lookups and the conversions themselves. A row
// that cannot be read does not throw (a million bad rows would be a million stack traces): the
// first problem is kept in `problems.first` and the row is not sent.

import type { LedgerPaymentInput, LedgerStatus, Network, NetworkRecordInput, TxnType } from '../../../../shared/domain';
import { LEDGER_STATUSES, NETWORKS, TXN_TYPES } from '../../../../shared/domain';
import { currencyExponent, toCurrencyAlpha } from '../../../../shared/currency';
import { expectPresent } from '../../../../shared/invariants';
import { parseMajorAmount, parseMinorAmount } from '../../../../shared/money';
import { maskCardNumbers, maskCardNumbersInReference, truncatePan } from '../../../../shared/masking';
import { parseInstant } from '../../../../shared/business-dates';
import type { FeedSink } from '../feed-types';
import { compileDateTimePattern, isoDateOf, isoTimestampOf } from './date-patterns';
import { ISO_DATE_FORMAT, ISO_TIMESTAMP_FORMAT, TXN_TYPE_VALUES, normalizeColumnName } from './feed-profile';
import type { FeedProfile, LedgerFeedProfile, NetworkFeedProfile } from './feed-profile';

type Row = readonly string[];
type Read<T> = (row: Row) => T;

/** A file's header: normalized column name to its index. */
export type HeaderIndex = ReadonlyMap<string, number>;

/** A profile bound to one file's header. */
export type RowConverter = {
  /** Converts one data row and sends it to the sink; returns why it could not, or undefined when it was sent. */
  convert(row: Row, line: number): string | undefined;
  /** Indexes of the columns that hold card numbers: masked in any text kept of a row. */
  cardColumnIndexes: ReadonlySet<number>;
  /** Header names of the columns no field reads, kept aside in `extra`. */
  extraColumnNames: readonly string[];
};

type Problems = { first: string | undefined };

const MAX_SHOWN_VALUE = 60;

/** A value as it may appear in a reason: card numbers masked, and cut short (after masking, so no PAN is cut into a maskless piece). */
export function showValue(value: string): string {
  const scrubbed = maskCardNumbers(value);
  return `"${scrubbed.length > MAX_SHOWN_VALUE ? `${scrubbed.slice(0, MAX_SHOWN_VALUE)}…` : scrubbed}"`;
}

/** A card number's text as it may be kept: first six and last four digits, the rest as '*'. */
export function maskCardNumber(value: string): string {
  const compactLength = value.replace(/[\s-]/g, '').length;
  const { first6, last4 } = truncatePan(value);
  return `${first6}${'*'.repeat(Math.max(compactLength - first6.length - last4.length, 0))}${last4}`;
}

// shared/money and business-dates say "amount ..." / "timestamp ..."; a user fixing a file needs
// the column's name instead.
function namingColumn(column: string, problem: string, subject: string): string {
  return problem.startsWith(`${subject} `) ? `${column}${problem.slice(subject.length)}` : `${column}: ${problem}`;
}

type Source = { column?: string | undefined; optional?: boolean | undefined };

class ConverterBuilder {
  readonly problems: Problems = { first: undefined };
  readonly usedIndexes = new Set<number>();
  readonly cardColumnIndexes = new Set<number>();
  private readonly header: HeaderIndex;

  constructor(header: HeaderIndex) {
    this.header = header;
  }

  fail(reason: string): void {
    if (this.problems.first === undefined) this.problems.first = reason;
  }

  /** The column's index, or undefined when an optional column is absent. */
  indexOf(source: Source): number | undefined {
    if (source.column === undefined) return undefined;
    const index = this.header.get(normalizeColumnName(source.column));
    if (index === undefined && source.optional !== true) {
      // The reader checks the header before it builds a converter; this is a bug, not bad data.
      throw new Error(`column ${source.column} is not in the header`);
    }
    if (index !== undefined) this.usedIndexes.add(index);
    return index;
  }

  /** The trimmed value of a column; empty in a required column is a problem. */
  cell(source: Source): Read<string> {
    const index = this.indexOf(source);
    if (index === undefined) return () => '';
    if (source.optional === true) return (row) => (row[index] ?? '').trim();
    const message = `required field ${source.column} is empty`;
    return (row) => {
      const value = (row[index] ?? '').trim();
      if (value === '') this.fail(message);
      return value;
    };
  }

  /**
   * `kind` says how card numbers are masked: free text (ARN and authorization code included) is;
   * a network transaction id is, unless it is Visa's 15-digit identifier (which passes the Luhn
   * check one time in ten and must match the ledger's); record and payment ids are kept as written, because a numeric
   * id passes the Luhn check one time in ten and ids must stay unique.
   */
  text(source: (Source & { constant?: string | undefined }) | undefined, kind: 'free-text' | 'reference' | 'id'): Read<string> {
    if (source === undefined) return () => '';
    if (source.constant !== undefined) {
      const constant = source.constant;
      return () => constant;
    }
    const read = this.cell(source);
    if (kind === 'free-text') return (row) => maskCardNumbers(read(row));
    if (kind === 'reference') return (row) => maskCardNumbersInReference(read(row));
    return read;
  }

  card(source: Source | undefined): Read<{ first6: string; last4: string }> {
    const none = { first6: '', last4: '' };
    if (source === undefined) return () => none;
    const index = this.indexOf(source);
    if (index === undefined) return () => none;
    this.cardColumnIndexes.add(index);
    const read = this.cell(source);
    const message = `${source.column} is not a card number (value not shown)`;
    return (row) => {
      const value = read(row);
      if (value === '') return none;
      const digits = truncatePan(value);
      if (digits.first6 === '' && digits.last4 === '') this.fail(message);
      return digits;
    };
  }

  currency(source: { column?: string | undefined; constant?: string | undefined; code?: 'alpha' | 'numeric' | undefined }): Read<string> {
    if (source.constant !== undefined) {
      const alpha = toCurrencyAlpha(source.constant) ?? '';
      return () => alpha;
    }
    const read = this.cell(source);
    // The profile's schema gives a field either a column or a constant.
    const column = expectPresent(source.column, 'the column of a currency field without a constant');
    const shape = source.code === 'alpha' ? /^[A-Za-z]{3}$/ : source.code === 'numeric' ? /^\d{1,3}$/ : /^([A-Za-z]{3}|\d{1,3})$/;
    const kind = source.code === 'alpha' ? 'an alphabetic ' : source.code === 'numeric' ? 'a numeric ' : 'an ';
    // A file holds a handful of currencies: remember each good value once. Only good values are
    // kept, so the map stays as small as the currency list.
    const known = new Map<string, string>();
    return (row) => {
      const value = read(row);
      const cached = known.get(value);
      if (cached !== undefined) return cached;
      if (value === '') return '';
      const alpha = shape.test(value) ? toCurrencyAlpha(value) : undefined;
      if (alpha === undefined) {
        this.fail(`${column} ${showValue(value)} is not ${kind}ISO 4217 currency code`);
        return '';
      }
      known.set(value, alpha);
      return alpha;
    };
  }

  /**
   * `isUnsigned`: a negative amount is a problem. Network amounts are unsigned in every format the
   * networks define: the transaction type says which way the money goes, and a signed one would
   * pull sums and resettlements the wrong way.
   */
  amount(source: { column: string; unit: 'major' | 'minor' }, isUnsigned: boolean): (row: Row, currency: string) => number {
    const read = this.cell(source);
    const { column } = source;
    const checked = (value: string, minor: number): number => {
      if (isUnsigned && minor < 0) this.fail(`${column} ${showValue(value)} is negative: a network amount is unsigned, its transaction type says which way the money goes`);
      return minor;
    };
    if (source.unit === 'minor') {
      return (row) => {
        const value = read(row);
        if (value === '') return 0;
        const parsed = parseMinorAmount(value);
        if (parsed.ok) return checked(value, parsed.minor);
        this.fail(namingColumn(column, parsed.problem, 'amount'));
        return 0;
      };
    }
    return (row, currency) => {
      const value = read(row);
      if (value === '') return 0;
      const parsed = parseMajorAmount(value, currencyExponent(currency));
      if (parsed.ok) return checked(value, parsed.minor);
      this.fail(namingColumn(column, parsed.problem, 'amount'));
      return 0;
    };
  }

  date(source: { column: string; format: string }): Read<string> {
    const read = this.cell(source);
    const parse = compileDateTimePattern(source.format);
    const problem = (value: string) => `${source.column} ${showValue(value)} is not a valid date in the form ${source.format}`;
    if (source.format === ISO_DATE_FORMAT) {
      // The text already is the result: check it, keep it.
      return (row) => {
        const value = read(row);
        if (value !== '' && parse(value) === undefined) this.fail(problem(value));
        return value;
      };
    }
    return (row) => {
      const value = read(row);
      if (value === '') return '';
      const parts = parse(value);
      if (parts === undefined) {
        this.fail(problem(value));
        return '';
      }
      return isoDateOf(parts);
    };
  }

  timestamp(source: { column: string; format: string; zone?: string | undefined }): Read<string> {
    const read = this.cell(source);
    const { column } = source;
    if (source.format === ISO_TIMESTAMP_FORMAT) {
      return (row) => {
        const value = read(row);
        if (value === '') return '';
        const parsed = parseInstant(value);
        if (!parsed.ok) this.fail(namingColumn(column, parsed.problem.replace(`"${value}"`, showValue(value)), 'timestamp'));
        return value;
      };
    }
    const parse = compileDateTimePattern(source.format);
    const zone = source.zone ?? 'Z';
    return (row) => {
      const value = read(row);
      if (value === '') return '';
      const parts = parse(value);
      if (parts === undefined) {
        this.fail(`${column} ${showValue(value)} is not a valid date and time in the form ${source.format}`);
        return '';
      }
      return isoTimestampOf(parts, zone);
    };
  }

  /** A value looked up in a map built once (keys trimmed, upper case); `noun` names what the value is in a reason. */
  mapped<T>(
    source: { column?: string | undefined; constant?: string | undefined; values?: Record<string, string> | undefined },
    domainValues: readonly string[],
    toResult: (value: string) => T,
    noun: string,
  ): Read<T> {
    if (source.constant !== undefined) {
      const constant = toResult(source.constant);
      return () => constant;
    }
    const entries = new Map<string, T>();
    const pairs = source.values ? Object.entries(source.values) : domainValues.map((value) => [value, value] as const);
    for (const [key, value] of pairs) entries.set(key.trim().toUpperCase(), toResult(value));
    const read = this.cell(source);
    const fallback = toResult(expectPresent(domainValues[0], `a ${noun} to fall back on`));
    const expected = [...entries.keys()].join(', ');
    // The profile's schema gives a field either a column or a constant.
    const column = expectPresent(source.column, `the column of a ${noun} field without a constant`);
    return (row) => {
      const value = read(row);
      // Most files already write the map's keys exactly; only then is the upper-casing skipped.
      const result = entries.get(value) ?? entries.get(value.toUpperCase());
      if (result !== undefined) return result;
      if (value !== '') this.fail(`${column} ${showValue(value)} is not a known ${noun} (expected ${expected})`);
      return fallback;
    };
  }

  reversal(source: { column: string; yes?: string[] | undefined; no?: string[] | undefined; optional?: boolean | undefined } | undefined): Read<boolean> {
    if (source === undefined) return () => false;
    const index = this.indexOf(source);
    if (index === undefined) return () => false;
    const yes = new Set((source.yes ?? ['Y']).map((value) => value.trim().toUpperCase()));
    const no = new Set((source.no ?? ['N']).map((value) => value.trim().toUpperCase()));
    no.add('');
    const expected = [...yes, ...[...no].filter((value) => value !== '')].join(', ');
    const { column } = source;
    return (row) => {
      const value = (row[index] ?? '').trim().toUpperCase();
      if (yes.has(value)) return true;
      if (!no.has(value)) this.fail(`${column} ${showValue(value)} is not one of ${expected} or empty`);
      return false;
    };
  }

  extra(header: readonly string[]): { names: string[]; read: Read<Record<string, string>> | undefined } {
    const columns: Array<{ index: number; name: string }> = [];
    header.forEach((name, index) => {
      if (!this.usedIndexes.has(index) && name !== '') columns.push({ index, name });
    });
    const names = columns.map((column) => column.name);
    if (columns.length === 0) return { names, read: undefined };
    return {
      names,
      read: (row) => {
        const extra: Record<string, string> = {};
        for (const column of columns) extra[column.name] = maskCardNumbers((row[column.index] ?? '').trim());
        return extra;
      },
    };
  }
}

type TxnTypeResult = { type: TxnType; isSecondPresentment: boolean };

function txnTypeResult(value: string): TxnTypeResult {
  return value === 'SECOND_PRESENTMENT'
    ? { type: 'PRESENTMENT', isSecondPresentment: true }
    : { type: value as TxnType, isSecondPresentment: false };
}

function compileNetworkConverter(profile: NetworkFeedProfile, header: readonly string[], index: HeaderIndex, sink: FeedSink): RowConverter {
  const builder = new ConverterBuilder(index);
  const { mapping, network } = profile;
  // Results are shared objects, one per map key: reading a type allocates nothing.
  const readTxnType = builder.mapped(mapping.txnType, mapping.txnType.values ? TXN_TYPE_VALUES : TXN_TYPES, txnTypeResult, 'transaction type');
  const readReversal = builder.reversal(mapping.txnType.reversal);
  const readRecordId = builder.text(mapping.recordId, 'id');
  const readNetworkTxnId = builder.text(mapping.networkTxnId, 'reference');
  const readArn = builder.text(mapping.arn, 'free-text');
  const readPan = builder.card(mapping.pan);
  const readAuthCode = builder.text(mapping.authCode, 'free-text');
  const readCurrency = builder.currency(mapping.currency);
  const readAmount = builder.amount(mapping.amount, true);
  const readTxnDate = builder.date(mapping.txnDate);
  const readSettlementDate = builder.date(mapping.settlementDate);
  const readMcc = builder.text(mapping.mcc, 'free-text');
  const readDescriptor = builder.text(mapping.descriptor, 'free-text');
  const extra = builder.extra(header);
  const { problems } = builder;

  function convert(row: Row, line: number): string | undefined {
    problems.first = undefined;
    const recordId = readRecordId(row);
    const kind = readTxnType(row);
    const isReversal = readReversal(row);
    const pan = readPan(row);
    const currency = readCurrency(row);
    const record: NetworkRecordInput = {
      network,
      recordId,
      networkTxnId: readNetworkTxnId(row),
      arn: readArn(row),
      panFirst6: pan.first6,
      panLast4: pan.last4,
      authCode: readAuthCode(row),
      txnType: isReversal ? 'REVERSAL' : kind.type,
      isSecondPresentment: !isReversal && kind.isSecondPresentment,
      amountMinor: readAmount(row, currency),
      currency,
      txnDate: readTxnDate(row),
      settlementDate: readSettlementDate(row),
      mcc: readMcc(row),
      descriptor: readDescriptor(row),
      line,
    };
    if (problems.first !== undefined) return problems.first;
    if (extra.read) record.extra = extra.read(row);
    sink.network(record);
    return undefined;
  }
  return { convert, cardColumnIndexes: builder.cardColumnIndexes, extraColumnNames: extra.names };
}

function compileLedgerConverter(profile: LedgerFeedProfile, header: readonly string[], index: HeaderIndex, sink: FeedSink): RowConverter {
  const builder = new ConverterBuilder(index);
  const { mapping } = profile;
  const readPaymentId = builder.text(mapping.paymentId, 'id');
  const readInitiatedAt = builder.timestamp(mapping.initiatedAt);
  const readCurrency = builder.currency(mapping.currency);
  // Ledger amounts keep their sign as the profile reads them: signed exports are not a network's.
  const readAmount = builder.amount(mapping.amount, false);
  const readStatus = builder.mapped(mapping.status, LEDGER_STATUSES, (value) => value as LedgerStatus, 'status');
  const readFundingNetwork = builder.mapped(mapping.fundingNetwork, NETWORKS, (value) => value as Network, 'network');
  // A ledger may export a full card number where it should export the last four: keep only those.
  const readCard = builder.card(mapping.cardLast4);
  const readAuthCode = builder.text(mapping.authCode, 'free-text');
  const readNetworkTxnId = builder.text(mapping.networkTxnId, 'reference');
  const readArn = builder.text(mapping.arn, 'free-text');
  const readSenderToken = builder.text(mapping.senderToken, 'free-text');
  const readRecipientToken = builder.text(mapping.recipientToken, 'free-text');
  const extra = builder.extra(header);
  const { problems } = builder;

  function convert(row: Row, line: number): string | undefined {
    problems.first = undefined;
    const paymentId = readPaymentId(row);
    const initiatedAt = readInitiatedAt(row);
    const currency = readCurrency(row);
    const payment: LedgerPaymentInput = {
      paymentId,
      initiatedAt,
      amountMinor: readAmount(row, currency),
      currency,
      status: readStatus(row),
      fundingNetwork: readFundingNetwork(row),
      cardLast4: readCard(row).last4,
      authCode: readAuthCode(row),
      networkTxnId: readNetworkTxnId(row),
      arn: readArn(row),
      senderToken: readSenderToken(row),
      recipientToken: readRecipientToken(row),
      line,
    };
    if (problems.first !== undefined) return problems.first;
    if (extra.read) payment.extra = extra.read(row);
    sink.ledger(payment);
    return undefined;
  }
  return { convert, cardColumnIndexes: builder.cardColumnIndexes, extraColumnNames: extra.names };
}

/** Binds a profile to a file's header (names as written, trimmed, and their normalized index). */
export function compileRowConverter(profile: FeedProfile, header: readonly string[], index: HeaderIndex, sink: FeedSink): RowConverter {
  return profile.side === 'NETWORK'
    ? compileNetworkConverter(profile, header, index, sink)
    : compileLedgerConverter(profile, header, index, sink);
}
