import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../../../../main/engine/feeds/csv/builtin-profiles';
import { matchProfile, readCsvFeed } from '../../../../main/engine/feeds/csv/csv-reader';
import type { FeedProfile } from '../../../../main/engine/feeds/csv/feed-profile';
import { FeedRejectedError } from '../../../../main/engine/feeds/feed-types';
import { collectingSink, contextOf, makeTempFolder } from './feed-files';
import type { TempFolder } from './feed-files';

function builtin(id: string): FeedProfile {
  const profile = BUILTIN_PROFILES.find((candidate) => candidate.id === id);
  if (!profile) throw new Error(`no built-in profile ${id}`);
  return profile;
}

const VISA = builtin('visa-csv');
const MASTERCARD = builtin('mastercard-csv');
const ZELLE = builtin('zelle-csv');

const VISA_HEADER = 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor';
const VISA_COLUMNS = VISA_HEADER.split(',');
const ZELLE_HEADER =
  'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token';
const ZELLE_COLUMNS = ZELLE_HEADER.split(',');
const MASTERCARD_HEADER =
  'message_id,de2_pan,de4_amount_minor,de49_currency_numeric,de12_local_datetime,settlement_date,de24_function_code,de31_arn,de38_approval_code,de63_trace_id,de26_mcc,de43_acceptor_name,reversal';
const MASTERCARD_COLUMNS = MASTERCARD_HEADER.split(',');

/** A visa-csv row in header order, with sensible values unless overridden. */
function visaRow(values: Partial<Record<string, string>> = {}): string {
  const defaults: Record<string, string> = {
    record_id: 'V-1',
    arn: '74000000000000000000001',
    network_txn_id: '300000000000001',
    pan: '4111111111111111',
    auth_code: 'A1B2C3',
    txn_type: 'PRESENTMENT',
    amount: '125.40',
    currency: 'USD',
    txn_date: '2024-03-01',
    settlement_date: '2024-03-02',
    mcc: '4829',
    descriptor: 'ZELLE PAYMENT',
  };
  return VISA_COLUMNS.map((column) => values[column] ?? defaults[column]).join(',');
}

function zelleRow(values: Partial<Record<string, string>> = {}): string {
  const defaults: Record<string, string> = {
    payment_id: 'P-1',
    initiated_at: '2024-03-01T10:15:00-05:00',
    amount: '125.40',
    currency: 'USD',
    status: 'COMPLETED',
    funding_network: 'VISA',
    card_last4: '1111',
    auth_code: 'A1B2C3',
    network_txn_id: '',
    arn: '',
    sender_token: 'jane@example.com',
    recipient_token: '+1 555 010 1234',
  };
  return ZELLE_COLUMNS.map((column) => values[column] ?? defaults[column]).join(',');
}

function mastercardRow(values: Partial<Record<string, string>> = {}): string {
  const defaults: Record<string, string> = {
    message_id: 'M-1',
    de2_pan: '5555555555554444',
    de4_amount_minor: '000000012540',
    de49_currency_numeric: '840',
    de12_local_datetime: '240301123045',
    settlement_date: '2024-03-02',
    de24_function_code: '200',
    de31_arn: '75000000000000000000001',
    de38_approval_code: 'AB12CD',
    de63_trace_id: 'MCC0001ABC',
    de26_mcc: '4829',
    de43_acceptor_name: 'ZELLE',
    reversal: '',
  };
  return MASTERCARD_COLUMNS.map((column) => values[column] ?? defaults[column]).join(',');
}

let folder: TempFolder;
beforeEach(() => {
  folder = makeTempFolder();
});
afterEach(() => folder.remove());

async function read(profile: FeedProfile, name: string, content: string | Uint8Array) {
  const path = folder.write(name, content);
  const sink = collectingSink();
  const summary = await readCsvFeed(path, profile, contextOf(name), sink);
  return { summary, ...sink };
}

async function rejection(profile: FeedProfile, name: string, content: string | Uint8Array): Promise<FeedRejectedError> {
  const path = folder.write(name, content);
  const error = await readCsvFeed(path, profile, contextOf(name), collectingSink()).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FeedRejectedError)) throw new Error(`expected a FeedRejectedError, got ${String(error)}`);
  return error;
}

describe('readCsvFeed with the built-in profiles', () => {
  it('reads visa-csv with shuffled mixed-case columns, BOM, CRLF, quoted fields and an embedded newline', async () => {
    const content =
      '\uFEFFSettlement_Date,RECORD_ID,Amount,Currency,Txn_Type,PAN,arn,Network_Txn_Id,auth_code,txn_date,MCC,descriptor,Branch_Note\r\n' +
      '2024-03-02,V-1,125.40,usd,presentment,4111111111111111,74000000000000000000001,300000000000001,A1B2C3,2024-03-01,4829,"ZELLE, PAYMENT ""JOHN""",note one\r\n' +
      '2024-03-02,V-2,10,USD,Reversal,411111******1111,,,,2024-03-01,6538,"ZELLE\r\nTWO LINES",card 5555555555554444 on file\r\n' +
      '\r\n' +
      '2024-03-03,V-3,0.05,USD,CHARGEBACK,5555 5555 5555 4444,74000000000000000000003,,Z9Y8X7,2024-03-02,6540,ZELLE CB,\r\n' +
      '2024-03-03,V-4,7.5,USD,credit,4111111111111111,,,,2024-03-02,4829,ZELLE REFUND,last';
    const { summary, records, quarantined } = await read(VISA, 'visa.csv', content);

    expect(quarantined).toEqual([]);
    expect(summary).toEqual({
      side: 'NETWORK',
      rowsRead: 4,
      details: { profile: 'visa-csv', extraColumns: ['Branch_Note'], rowsQuarantined: 0 },
    });
    expect(records[0]).toEqual({
      network: 'VISA',
      recordId: 'V-1',
      networkTxnId: '300000000000001',
      arn: '74000000000000000000001',
      panFirst6: '411111',
      panLast4: '1111',
      authCode: 'A1B2C3',
      txnType: 'PRESENTMENT',
      isSecondPresentment: false,
      amountMinor: 12540,
      currency: 'USD',
      txnDate: '2024-03-01',
      settlementDate: '2024-03-02',
      mcc: '4829',
      descriptor: 'ZELLE, PAYMENT "JOHN"',
      line: 2,
      extra: { Branch_Note: 'note one' },
    });
    expect(records.map((record) => [record.recordId, record.line, record.txnType, record.amountMinor])).toEqual([
      ['V-1', 2, 'PRESENTMENT', 12540],
      ['V-2', 3, 'REVERSAL', 1000],
      // V-2 spans lines 3 and 4, line 5 is empty.
      ['V-3', 6, 'CHARGEBACK', 5],
      ['V-4', 7, 'CREDIT', 750],
    ]);
    expect(records[1]!.descriptor).toBe('ZELLE\r\nTWO LINES');
    expect(records[2]).toMatchObject({ panFirst6: '555555', panLast4: '4444', networkTxnId: '', extra: { Branch_Note: '' } });
  });

  it('masks card numbers in records and in extra columns', async () => {
    const content =
      `${VISA_HEADER},note\n` + `${visaRow({ pan: '4111111111111111' })},paid with card 5555555555554444 today\n`;
    const { records } = await read(VISA, 'visa.csv', content);
    expect(records[0]).toMatchObject({ panFirst6: '411111', panLast4: '1111', extra: { note: 'paid with card 555555******4444 today' } });
    expect(JSON.stringify(records)).not.toContain('4111111111111111');
    expect(JSON.stringify(records)).not.toContain('5555555555554444');
  });

  it('reads mastercard-csv: DE24 codes, second presentments, the reversal flag, numeric currency and the date part of DE12', async () => {
    const shuffled = [...MASTERCARD_COLUMNS].reverse();
    const row = (values: Partial<Record<string, string>>) => {
      const cells = new Map(MASTERCARD_COLUMNS.map((column, index) => [column, mastercardRow(values).split(',')[index]!]));
      return shuffled.map((column) => cells.get(column)).join(',');
    };
    const content =
      `${shuffled.map((column) => column.toUpperCase()).join(',')}\n` +
      `${row({ message_id: 'M-1' })}\n` +
      `${row({ message_id: 'M-2', de24_function_code: '205', de4_amount_minor: '500', de49_currency_numeric: '978', de12_local_datetime: '240229235959' })}\n` +
      `${row({ message_id: 'M-3', de24_function_code: '451' })}\n` +
      `${row({ message_id: 'M-4', reversal: 'Y' })}\n` +
      `${row({ message_id: 'M-5', de24_function_code: '282', reversal: 'y' })}\n` +
      `${row({ message_id: 'M-6', de24_function_code: '282', reversal: 'N' })}\n`;
    const { summary, records, quarantined } = await read(MASTERCARD, 'mc.csv', content);

    expect(quarantined).toEqual([]);
    expect(summary.details).toEqual({ profile: 'mastercard-csv', extraColumns: [], rowsQuarantined: 0 });
    expect(records[0]).toEqual({
      network: 'MASTERCARD',
      recordId: 'M-1',
      networkTxnId: 'MCC0001ABC',
      arn: '75000000000000000000001',
      panFirst6: '555555',
      panLast4: '4444',
      authCode: 'AB12CD',
      txnType: 'PRESENTMENT',
      isSecondPresentment: false,
      amountMinor: 12540,
      currency: 'USD',
      txnDate: '2024-03-01',
      settlementDate: '2024-03-02',
      mcc: '4829',
      descriptor: 'ZELLE',
      line: 2,
    });
    expect(records.map((record) => [record.recordId, record.txnType, record.isSecondPresentment])).toEqual([
      ['M-1', 'PRESENTMENT', false],
      ['M-2', 'PRESENTMENT', true],
      ['M-3', 'CHARGEBACK', false],
      ['M-4', 'REVERSAL', false],
      ['M-5', 'REVERSAL', false],
      ['M-6', 'PRESENTMENT', true],
    ]);
    expect(records[1]).toMatchObject({ amountMinor: 500, currency: 'EUR', txnDate: '2024-02-29' });
  });

  it('reads zelle-csv payments with any-case status and network values and keeps only the last four card digits', async () => {
    const content =
      '\uFEFF' +
      'RECIPIENT_TOKEN,Sender_Token,arn,network_txn_id,auth_code,card_last4,funding_network,status,currency,amount,initiated_at,payment_id\r\n' +
      '"+1 (555) 010-1234","jane, doe@example.com",,,A1B2C3,1111,visa,completed,USD,125.40,2024-03-01T10:15:00-05:00,P-1\r\n' +
      '"a\r\nb",x@example.com,74000000000000000000001,300000000000001,,4111111111111111,MasterCard,Pending,usd,7,2024-03-01T23:59:59Z,P-2\r\n';
    const { summary, payments, quarantined } = await read(ZELLE, 'zelle.csv', content);

    expect(quarantined).toEqual([]);
    expect(summary).toEqual({
      side: 'LEDGER',
      rowsRead: 2,
      details: { profile: 'zelle-csv', extraColumns: [], rowsQuarantined: 0 },
    });
    expect(payments).toEqual([
      {
        paymentId: 'P-1',
        initiatedAt: '2024-03-01T10:15:00-05:00',
        amountMinor: 12540,
        currency: 'USD',
        status: 'COMPLETED',
        fundingNetwork: 'VISA',
        cardLast4: '1111',
        authCode: 'A1B2C3',
        networkTxnId: '',
        arn: '',
        senderToken: 'jane, doe@example.com',
        recipientToken: '+1 (555) 010-1234',
        line: 2,
      },
      {
        paymentId: 'P-2',
        initiatedAt: '2024-03-01T23:59:59Z',
        amountMinor: 700,
        currency: 'USD',
        status: 'PENDING',
        fundingNetwork: 'MASTERCARD',
        cardLast4: '1111',
        authCode: '',
        networkTxnId: '300000000000001',
        arn: '74000000000000000000001',
        senderToken: 'x@example.com',
        recipientToken: 'a\r\nb',
        line: 3,
      },
    ]);
  });

  it('decodes a multi-byte character cut in two by the read chunks', async () => {
    const prefix = `${VISA_HEADER}\n${visaRow().split(',').slice(0, 11).join(',')},`;
    // The é's first byte is the last byte of the first 64 KiB chunk.
    const descriptor = `${'A'.repeat(65_535 - Buffer.byteLength(prefix))}é CAFÉ`;
    const { records } = await read(VISA, 'visa.csv', `${prefix}${descriptor}\n${visaRow({ record_id: 'V-2' })}\n`);
    expect(records.map((record) => record.descriptor)).toEqual([descriptor, 'ZELLE PAYMENT']);
  });
});

describe('readCsvFeed quarantine', () => {
  it('quarantines each unreadable visa row with its physical line and a reason naming the column and value', async () => {
    const content = [
      VISA_HEADER,
      visaRow({ record_id: 'V-2' }),
      visaRow({ record_id: 'V-3', amount: '12.3x' }),
      visaRow({ record_id: 'V-4', amount: '1.234' }),
      visaRow({ record_id: 'V-5', txn_date: '2024-02-30' }),
      visaRow({ record_id: '' }),
      visaRow({ record_id: 'V-7', currency: 'XYZ' }),
      visaRow({ record_id: 'V-8', txn_type: 'REFUND' }),
      visaRow({ record_id: 'V-9' }).split(',').slice(0, 11).join(','),
      visaRow({ record_id: 'V-10', pan: 'not-a-card' }),
      visaRow({ record_id: 'V-11', settlement_date: '03/02/2024' }),
      visaRow({ record_id: 'V-12', currency: '840' }),
      visaRow({ record_id: 'V-13', descriptor: '"TWO\nLINES"', amount: '' }),
      visaRow({ record_id: 'V-15', amount: '1e3' }),
      visaRow({ record_id: 'V-16' }),
      '',
    ].join('\n');
    const { summary, records, quarantined } = await read(VISA, 'visa.csv', content);

    expect(records.map((record) => [record.recordId, record.line])).toEqual([
      ['V-2', 2],
      ['V-16', 16],
    ]);
    expect(quarantined.map((row) => [row.line, row.reason])).toEqual([
      [3, 'amount "12.3x" is not a decimal number'],
      [4, 'amount "1.234" has more than 2 decimal places'],
      [5, 'txn_date "2024-02-30" is not a valid date in the form YYYY-MM-DD'],
      [6, 'required field record_id is empty'],
      [7, 'currency "XYZ" is not an alphabetic ISO 4217 currency code'],
      [8, 'txn_type "REFUND" is not a known transaction type (expected PRESENTMENT, REVERSAL, CHARGEBACK, CREDIT)'],
      [9, 'the row has 11 fields where the header has 12'],
      [10, 'pan is not a card number (value not shown)'],
      [11, 'settlement_date "03/02/2024" is not a valid date in the form YYYY-MM-DD'],
      [12, 'currency "840" is not an alphabetic ISO 4217 currency code'],
      [13, 'required field amount is empty'],
      [15, 'amount "1e3" is not a decimal number'],
    ]);
    expect(summary.rowsRead).toBe(14);
    expect(summary.details).toMatchObject({ rowsQuarantined: 12 });
  });

  it('keeps the raw text of a quarantined row with the card number truncated and the rest scrubbed', async () => {
    const content = `${VISA_HEADER},note\n${visaRow({ amount: '12.3x', descriptor: '"ZELLE, 5555555555554444"' })},card 4111111111111111\n`;
    const { quarantined } = await read(VISA, 'visa.csv', content);
    expect(quarantined).toEqual([
      {
        line: 2,
        raw: 'V-1,74000000000000000000001,300000000000001,411111******1111,A1B2C3,PRESENTMENT,12.3x,USD,2024-03-01,2024-03-02,4829,"ZELLE, 555555******4444",card 411111******1111',
        reason: 'amount "12.3x" is not a decimal number',
      },
    ]);
  });

  it('masks card numbers typed into the descriptor, ARN, trace id and auth code, and in quarantine reasons', async () => {
    const content =
      `${MASTERCARD_HEADER}\n` +
      `${mastercardRow({ de43_acceptor_name: 'ZELLE 5555 5555 5555 4444\\NY', de31_arn: '4111111111111111', de63_trace_id: 'MCC4111111111111111', de38_approval_code: '4111-1111-1111-1111' })}\n` +
      `${mastercardRow({ message_id: 'M-2', de12_local_datetime: '4111111111111111' })}\n`;
    const { records, quarantined } = await read(MASTERCARD, 'mastercard.csv', content);
    expect(records[0]).toMatchObject({
      descriptor: 'ZELLE 5555 55** **** 4444\\NY',
      arn: '411111******1111',
      networkTxnId: 'MCC411111******1111',
      authCode: '4111-11**-****-1111',
    });
    expect(quarantined[0]!.reason).toBe('de12_local_datetime "411111******1111" is not a valid date in the form YYMMDDhhmmss');
    const everything = JSON.stringify([records, quarantined]);
    for (const pan of ['5555555555554444', '5555 5555 5555 4444', '4111111111111111', '4111-1111-1111-1111']) expect(everything).not.toContain(pan);
  });

  it('keeps a 15-digit Visa Transaction Identifier whole though it passes the Luhn check, so it still matches the ledger', async () => {
    const { records } = await read(VISA, 'visa.csv', `${VISA_HEADER}\n${visaRow({ network_txn_id: '378282246310005' })}\n`);
    expect(records[0]!.networkTxnId).toBe('378282246310005');
  });

  it('truncates the card column in raw text even when the number fails the Luhn check', async () => {
    const content = `${VISA_HEADER}\n${visaRow({ pan: '4111111111111112', amount: '' })}\n`;
    const { quarantined } = await read(VISA, 'visa.csv', content);
    expect(quarantined[0]!.raw).toContain(',411111******1112,');
    expect(quarantined[0]!.raw).not.toContain('4111111111111112');
  });

  it('never shows a card number that sits in a field of the wrong row length', async () => {
    const content = `${VISA_HEADER}\n4111111111111111,only,three\n`;
    const { quarantined } = await read(VISA, 'visa.csv', content);
    expect(quarantined[0]).toEqual({ line: 2, raw: '411111******1111,only,three', reason: 'the row has 3 fields where the header has 12' });
  });

  it('quarantines a row whose quotes are malformed', async () => {
    const content = `${VISA_HEADER}\n${visaRow()}\n${visaRow({ record_id: 'V-2', descriptor: '"ZELLE"X' })}\n`;
    const { records, quarantined } = await read(VISA, 'visa.csv', content);
    expect(records.map((record) => record.recordId)).toEqual(['V-1']);
    expect(quarantined.map((row) => [row.line, row.reason])).toEqual([[3, 'malformed quotes: Trailing quote on quoted field is malformed']]);
  });

  it('quarantines unreadable mastercard rows: DE24 code, reversal flag, minor units, numeric currency, DE12 date', async () => {
    const content = [
      MASTERCARD_HEADER,
      mastercardRow({ de24_function_code: '999' }),
      mastercardRow({ reversal: 'X' }),
      mastercardRow({ de4_amount_minor: '12.40' }),
      mastercardRow({ de49_currency_numeric: '999' }),
      mastercardRow({ de49_currency_numeric: 'USD' }),
      mastercardRow({ de12_local_datetime: '241301000000' }),
      mastercardRow({ de12_local_datetime: '240301256000' }),
      mastercardRow({ de2_pan: '' }),
    ].join('\r\n');
    const { quarantined } = await read(MASTERCARD, 'mc.csv', content);
    expect(quarantined.map((row) => [row.line, row.reason])).toEqual([
      [2, 'de24_function_code "999" is not a known transaction type (expected 200, 205, 282, 450, 451, 452, 453, 454)'],
      [3, 'reversal "X" is not one of Y, N or empty'],
      [4, 'de4_amount_minor "12.40" is not a whole number of minor units'],
      [5, 'de49_currency_numeric "999" is not a numeric ISO 4217 currency code'],
      [6, 'de49_currency_numeric "USD" is not a numeric ISO 4217 currency code'],
      [7, 'de12_local_datetime "241301000000" is not a valid date in the form YYMMDDhhmmss'],
      [8, 'de12_local_datetime "240301256000" is not a valid date in the form YYMMDDhhmmss'],
      [9, 'required field de2_pan is empty'],
    ]);
    expect(quarantined[0]!.raw).toContain('555555******4444');
    expect(quarantined.map((row) => row.raw).join('\n')).not.toContain('5555555555554444');
  });

  it('quarantines unreadable zelle rows: status, network, timestamp, card digits, amount, a stray comma', async () => {
    const content = [
      ZELLE_HEADER,
      zelleRow({ status: 'DONE' }),
      zelleRow({ funding_network: 'AMEX' }),
      zelleRow({ initiated_at: '2024-03-01 10:00' }),
      zelleRow({ card_last4: 'abc' }),
      zelleRow({ amount: '12,5' }),
      zelleRow({ amount: '12.345' }),
      zelleRow({ payment_id: 'P-8' }),
    ].join('\n');
    const { payments, quarantined } = await read(ZELLE, 'zelle.csv', content);
    expect(payments.map((payment) => [payment.paymentId, payment.line])).toEqual([['P-8', 8]]);
    expect(quarantined.map((row) => [row.line, row.reason])).toEqual([
      [2, 'status "DONE" is not a known status (expected COMPLETED, PENDING, FAILED, CANCELLED, RETURNED)'],
      [3, 'funding_network "AMEX" is not a known network (expected VISA, MASTERCARD)'],
      [4, 'initiated_at "2024-03-01 10:00" is not ISO 8601 with Z or an offset'],
      [5, 'card_last4 is not a card number (value not shown)'],
      [6, 'the row has 13 fields where the header has 12'],
      [7, 'amount "12.345" has more than 2 decimal places'],
    ]);
  });

  it('quarantines a negative network amount, in major or minor units, with its line and reason', async () => {
    const visa = await read(VISA, 'visa.csv', `${VISA_HEADER}\n${visaRow()}\n${visaRow({ record_id: 'V-2', amount: '-20.01' })}\n${visaRow({ record_id: 'V-3', txn_type: 'CREDIT', amount: '-7.5' })}\n`);
    expect(visa.records.map((record) => record.recordId)).toEqual(['V-1']);
    expect(visa.quarantined.map((row) => [row.line, row.reason])).toEqual([
      [3, 'amount "-20.01" is negative: a network amount is unsigned, its transaction type says which way the money goes'],
      [4, 'amount "-7.5" is negative: a network amount is unsigned, its transaction type says which way the money goes'],
    ]);
    const mastercard = await read(MASTERCARD, 'mastercard.csv', `${MASTERCARD_HEADER}\n${mastercardRow({ de4_amount_minor: '-00000012540' })}\n`);
    expect(mastercard.records).toEqual([]);
    expect(mastercard.quarantined.map((row) => [row.line, row.reason])).toEqual([
      [2, 'de4_amount_minor "-00000012540" is negative: a network amount is unsigned, its transaction type says which way the money goes'],
    ]);
    // A zero written with a sign is not negative.
    expect((await read(VISA, 'zero.csv', `${VISA_HEADER}\n${visaRow({ amount: '-0.00' })}\n`)).records).toHaveLength(1);
  });

  it('ingests a file whose every data row is quarantined instead of rejecting it', async () => {
    const content = `${VISA_HEADER}\n${visaRow({ amount: 'x' })}\n${visaRow({ currency: '' })}\n`;
    const { summary, records, quarantined } = await read(VISA, 'visa.csv', content);
    expect(records).toEqual([]);
    expect(quarantined.map((row) => row.line)).toEqual([2, 3]);
    expect(summary.rowsRead).toBe(2);
  });
});

describe('readCsvFeed rejects a whole file', () => {
  it('rejects an empty file', async () => {
    const error = await rejection(VISA, 'empty.csv', '');
    expect([error.where, error.problem]).toEqual(['', 'the file is empty']);
    expect(error.message).toBe('empty.csv: the file is empty');
  });

  it('rejects a file of only a BOM and blank lines as empty', async () => {
    const error = await rejection(VISA, 'blank.csv', '\uFEFF\r\n  \r\n');
    expect(error.problem).toBe('the file is empty');
  });

  it('rejects a header with no data rows', async () => {
    const error = await rejection(VISA, 'header.csv', `${VISA_HEADER}\r\n\r\n`);
    expect(error.problem).toBe('the file has a header but no data rows');
  });

  it('rejects bytes that are not UTF-8 with their byte offset', async () => {
    const head = Buffer.from(`${VISA_HEADER}\nV-1,`);
    const content = Buffer.concat([head, Buffer.from([0xc3, 0x28]), Buffer.from(`\n${visaRow()}\n`)]);
    const error = await rejection(VISA, 'latin.csv', content);
    expect([error.where, error.problem]).toEqual([`byte offset ${head.length}`, 'not UTF-8 text']);
    expect(error.message).toBe(`latin.csv (byte offset ${head.length}): not UTF-8 text`);
  });

  it('finds the bad byte when a broken character straddles two read chunks', async () => {
    const head = `${VISA_HEADER}\n${visaRow()}\n`;
    const filler = 'X'.repeat(65_535 - head.length);
    const content = Buffer.concat([Buffer.from(head + filler), Buffer.from([0xe2]), Buffer.from(`A,${visaRow()}\n`)]);
    const error = await rejection(VISA, 'split.csv', content);
    expect(error.where).toBe('byte offset 65535');
  });

  it('rejects a file that ends inside a multi-byte character', async () => {
    const head = Buffer.from(`${VISA_HEADER}\n${visaRow()}`);
    const error = await rejection(VISA, 'cut.csv', Buffer.concat([head, Buffer.from([0xe2, 0x82])]));
    expect(error.where).toBe(`byte offset ${head.length}`);
    expect(error.problem).toMatch(/^not UTF-8 text/);
  });

  it('rejects binary content (NUL bytes)', async () => {
    const content = Buffer.from([0x00, 0x00, 0x01, 0x1a, 0xf0, 0xf1, 0x40, 0x40]);
    const error = await rejection(VISA, 'T112.ipm', content);
    expect(error.where).toBe('byte offset 0');
    expect(error.problem).toMatch(/binary content/);
  });

  it('rejects a header that does not fit the profile, naming the missing columns', async () => {
    const error = await rejection(VISA, 'zelle.csv', `${ZELLE_HEADER}\n${zelleRow()}\n`);
    expect(error.where).toBe('line 1');
    expect(error.problem).toBe(
      'the header does not fit profile visa-csv: missing columns record_id, pan, txn_type, txn_date, settlement_date, mcc, descriptor',
    );
  });

  it('rejects a header that names a column twice', async () => {
    const error = await rejection(VISA, 'twice.csv', `${VISA_HEADER},AMOUNT\n${visaRow()},1\n`);
    expect([error.where, error.problem]).toEqual(['line 1', 'column "AMOUNT" appears twice in the header']);
  });

  it('stops at the first failing sink call and passes its error on', async () => {
    const path = folder.write('visa.csv', `${VISA_HEADER}\n${visaRow()}\n${visaRow()}\n`);
    const sink = collectingSink();
    let calls = 0;
    sink.network = () => {
      calls += 1;
      throw new Error('store is full');
    };
    await expect(readCsvFeed(path, VISA, contextOf('visa.csv'), sink)).rejects.toThrow('store is full');
    expect(calls).toBe(1);
  });
});

describe('matchProfile', () => {
  const generic: FeedProfile = {
    ...VISA,
    id: 'generic-network',
    requiredColumns: ['record_id', 'amount'],
  };

  it('recognises each built-in header whatever its case, order, BOM and line end', () => {
    const profiles = [...BUILTIN_PROFILES];
    expect(matchProfile(`\uFEFF${VISA_HEADER.toUpperCase()},branch\r\n`, profiles)?.id).toBe('visa-csv');
    expect(matchProfile([...MASTERCARD_COLUMNS].reverse().join(' , '), profiles)?.id).toBe('mastercard-csv');
    expect(matchProfile(`"${ZELLE_COLUMNS.join('","')}"\n`, profiles)?.id).toBe('zelle-csv');
  });

  it('finds nothing for a header no profile fits', () => {
    expect(matchProfile('date,amount,memo', [...BUILTIN_PROFILES])).toBeUndefined();
    expect(matchProfile(VISA_HEADER.replace('pan,', ''), [...BUILTIN_PROFILES])).toBeUndefined();
  });

  it('prefers the profile with the most required columns, then the first listed', () => {
    expect(matchProfile(VISA_HEADER, [generic, ...BUILTIN_PROFILES])?.id).toBe('visa-csv');
    expect(matchProfile('record_id,amount,other', [generic, ...BUILTIN_PROFILES])?.id).toBe('generic-network');
    const twin: FeedProfile = { ...generic, id: 'generic-twin' };
    expect(matchProfile('record_id,amount', [twin, generic])?.id).toBe('generic-twin');
  });

  it('splits the header with the profile delimiter', () => {
    const semicolon: FeedProfile = { ...generic, id: 'semicolon-network', delimiter: ';' };
    expect(matchProfile('Record_Id;Amount;Note', [generic, semicolon])?.id).toBe('semicolon-network');
  });
});
