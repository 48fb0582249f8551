import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { BUILTIN_PROFILES } from '../../../../main/engine/feeds/csv/builtin-profiles';
import { matchProfile, readCsvFeed } from '../../../../main/engine/feeds/csv/csv-reader';
import { feedProfileSchema, loadProfilesFromFolder, parseFeedProfile } from '../../../../main/engine/feeds/csv/feed-profile';
import { collectingSink, contextOf, makeTempFolder } from './feed-files';
import type { TempFolder } from './feed-files';

// A bank's own export of its Visa clearing: semicolons, US dates, amounts in cents.
const BANK_X_PROFILE = {
  id: 'bank-x-visa',
  label: 'Bank X Visa settlement export',
  side: 'NETWORK',
  network: 'VISA',
  delimiter: ';',
  requiredColumns: ['Ref No', 'Card Number', 'Amount (cents)', 'Ccy', 'Trans Date', 'Post Date', 'Type'],
  mapping: {
    recordId: { column: 'Ref No' },
    pan: { column: 'Card Number' },
    txnType: { column: 'Type', values: { SALE: 'PRESENTMENT', Refund: 'CREDIT', CB: 'CHARGEBACK' } },
    amount: { column: 'Amount (cents)', unit: 'minor' },
    currency: { column: 'Ccy', code: 'numeric' },
    txnDate: { column: 'Trans Date', format: 'MM/DD/YYYY' },
    settlementDate: { column: 'Post Date', format: 'MM/DD/YYYY' },
    mcc: { constant: '4829' },
    descriptor: { column: 'Merchant', optional: true },
  },
};

// A ledger export with local times at a fixed offset and the platform's own status words.
const BANK_Z_LEDGER = {
  id: 'bank-z-ledger',
  label: 'Bank Z payments',
  side: 'LEDGER',
  requiredColumns: ['id', 'when', 'amount', 'state'],
  mapping: {
    paymentId: { column: 'id' },
    initiatedAt: { column: 'when', format: 'M/D/YYYY hh:mm', zone: '-05:00' },
    amount: { column: 'amount', unit: 'major' },
    currency: { constant: 'USD' },
    status: { column: 'state', values: { OK: 'COMPLETED', wait: 'PENDING', bounced: 'RETURNED' } },
    fundingNetwork: { constant: 'MASTERCARD' },
    cardLast4: { column: 'card', optional: true },
  },
};

let folder: TempFolder;
beforeEach(() => {
  folder = makeTempFolder();
});
afterEach(() => folder.remove());

describe('built-in profiles', () => {
  it('pass the profile schema unchanged', () => {
    for (const profile of BUILTIN_PROFILES) expect(feedProfileSchema.parse(profile)).toEqual(profile);
  });

  it('require exactly the columns of the spec', () => {
    expect(Object.fromEntries(BUILTIN_PROFILES.map((profile) => [profile.id, profile.requiredColumns.join(',')]))).toEqual({
      'visa-csv': 'record_id,arn,network_txn_id,pan,auth_code,txn_type,amount,currency,txn_date,settlement_date,mcc,descriptor',
      'mastercard-csv':
        'message_id,de2_pan,de4_amount_minor,de49_currency_numeric,de12_local_datetime,settlement_date,de24_function_code,de31_arn,de38_approval_code,de63_trace_id,de26_mcc,de43_acceptor_name,reversal',
      'zelle-csv':
        'payment_id,initiated_at,amount,currency,status,funding_network,card_last4,auth_code,network_txn_id,arn,sender_token,recipient_token',
    });
  });
});

describe('parseFeedProfile', () => {
  function problemsOf(data: unknown): string[] {
    const parsed = parseFeedProfile(data);
    return parsed.ok ? [] : parsed.problems;
  }

  it('names the path and the problem of each mistake', () => {
    const mapping = BANK_X_PROFILE.mapping;
    expect(problemsOf({ ...BANK_X_PROFILE, mapping: { ...mapping, amount: { column: 'Amount (cents)', unit: 'cents' } } })).toEqual([
      'mapping.amount.unit: expected "major" or "minor"',
    ]);
    expect(problemsOf({ ...BANK_X_PROFILE, side: 'BOTH' })).toEqual(['side: expected "NETWORK" or "LEDGER"']);
    expect(problemsOf({ ...BANK_X_PROFILE, id: 'Bank X' })).toEqual(['id: expected a kebab-case id like "bank-x-csv"']);
    expect(problemsOf({ ...BANK_X_PROFILE, colour: 'red' })).toEqual(['(profile): unknown key "colour"']);
    expect(problemsOf({ ...BANK_X_PROFILE, mapping: { ...mapping, txnDate: { column: 'Trans Date', format: 'MM/DD' } } })).toEqual([
      'mapping.txnDate.format: date format "MM/DD": the pattern needs a year, a month and a day',
    ]);
    expect(problemsOf({ ...BANK_X_PROFILE, mapping: { ...mapping, recordId: { column: 'Ref No', constant: 'R' } } })).toEqual([
      'mapping.recordId: give either "column" or "constant", not both or neither',
    ]);
    expect(problemsOf({ ...BANK_X_PROFILE, mapping: { ...mapping, amount: undefined } })).toEqual([
      'mapping.amount: is required (expected object)',
    ]);
  });

  it('wants every column a required field reads among the required columns', () => {
    const mapping = { ...BANK_X_PROFILE.mapping, arn: { column: 'ARN' } };
    expect(problemsOf({ ...BANK_X_PROFILE, mapping })).toEqual([
      'mapping.arn.column: column "ARN" must be listed in requiredColumns, or the field marked optional',
    ]);
    expect(problemsOf({ ...BANK_X_PROFILE, mapping: { ...mapping, arn: { column: 'ARN', optional: true } } })).toEqual([]);
  });

  it('wants a zone with a local timestamp pattern', () => {
    const mapping = { ...BANK_Z_LEDGER.mapping, initiatedAt: { column: 'when', format: 'M/D/YYYY hh:mm' } };
    expect(problemsOf({ ...BANK_Z_LEDGER, mapping })).toEqual([
      'mapping.initiatedAt.zone: a timestamp format other than ISO8601 needs a zone',
    ]);
  });
});

describe('loadProfilesFromFolder', () => {
  it('finds no profiles and no errors in a missing folder', () => {
    expect(loadProfilesFromFolder(join(folder.path, 'not-there'))).toEqual({ profiles: [], errors: [] });
  });

  it('loads good profiles and names the file and problem of each bad one', () => {
    folder.write('bank-x.json', JSON.stringify(BANK_X_PROFILE));
    folder.write('bank-z.JSON', JSON.stringify(BANK_Z_LEDGER));
    folder.write('bank-y.json', JSON.stringify({ ...BANK_X_PROFILE, id: 'bank-y', mapping: { ...BANK_X_PROFILE.mapping, amount: { column: 'Amount (cents)', unit: 'cents' } } }));
    folder.write('visa-copy.json', JSON.stringify({ ...BANK_X_PROFILE, id: 'visa-csv' }));
    folder.write('x-again.json', JSON.stringify(BANK_X_PROFILE));
    folder.write('broken.json', '{ "id": "broken",');
    folder.write('notes.txt', 'not a profile');

    const { profiles, errors } = loadProfilesFromFolder(folder.path);

    expect(profiles.map((profile) => profile.id)).toEqual(['bank-x-visa', 'bank-z-ledger']);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toBe('bank-y.json: mapping.amount.unit: expected "major" or "minor"');
    expect(errors[1]).toMatch(/^broken\.json: not a readable JSON file: /);
    expect(errors.slice(2)).toEqual([
      'visa-copy.json: id: "visa-csv" is the id of a built-in profile; choose another id',
      'x-again.json: id: "bank-x-visa" is already used by bank-x.json',
    ]);
  });

  it('gives a user profile that reads a bank format with US dates and amounts in cents', async () => {
    folder.write('bank-x.json', JSON.stringify(BANK_X_PROFILE));
    const { profiles } = loadProfilesFromFolder(folder.path);
    const header = 'Post Date;Ref No;Type;Card Number;Amount (cents);Ccy;Trans Date;Merchant;Branch';
    const content = [
      header,
      '03/02/2024;X-1;sale;4111111111111111;12540;840;02/29/2024;ZELLE;Main St',
      '03/02/2024;X-2;REFUND;4111111111111111;00750;840;03/01/2024;"ZELLE; REFUND";',
      '03/02/2024;X-3;SALE;4111111111111111;12.40;840;13/01/2024;ZELLE;',
      '02/30/2024;X-4;SALE;4111111111111111;100;840;03/01/2024;ZELLE;',
    ].join('\n');
    const profile = matchProfile(header, [...BUILTIN_PROFILES, ...profiles]);
    expect(profile?.id).toBe('bank-x-visa');

    const path = folder.write('bank-x-20240302.csv', content);
    const sink = collectingSink();
    const summary = await readCsvFeed(path, profile!, contextOf('bank-x-20240302.csv'), sink);

    expect(summary.details).toEqual({ profile: 'bank-x-visa', extraColumns: ['Branch'], rowsQuarantined: 2 });
    expect(sink.records).toEqual([
      {
        network: 'VISA',
        recordId: 'X-1',
        networkTxnId: '',
        arn: '',
        panFirst6: '411111',
        panLast4: '1111',
        authCode: '',
        txnType: 'PRESENTMENT',
        isSecondPresentment: false,
        amountMinor: 12540,
        currency: 'USD',
        txnDate: '2024-02-29',
        settlementDate: '2024-03-02',
        mcc: '4829',
        descriptor: 'ZELLE',
        line: 2,
        extra: { Branch: 'Main St' },
      },
      expect.objectContaining({ recordId: 'X-2', txnType: 'CREDIT', amountMinor: 750, descriptor: 'ZELLE; REFUND', line: 3 }),
    ]);
    expect(sink.quarantined).toEqual([
      {
        line: 4,
        raw: '03/02/2024;X-3;SALE;411111******1111;12.40;840;13/01/2024;ZELLE;',
        reason: 'Amount (cents) "12.40" is not a whole number of minor units',
      },
      {
        line: 5,
        raw: '02/30/2024;X-4;SALE;411111******1111;100;840;03/01/2024;ZELLE;',
        reason: 'Post Date "02/30/2024" is not a valid date in the form MM/DD/YYYY',
      },
    ]);
  });

  it('gives a user ledger profile with local timestamps, a status map and constants', async () => {
    folder.write('bank-z.json', JSON.stringify(BANK_Z_LEDGER));
    const [profile] = loadProfilesFromFolder(folder.path).profiles;
    const path = folder.write('z.csv', 'ID,When,Amount,State,Card\nZ-1,3/7/2024 21:05,99.5,ok,5555555555554444\nZ-2,3/8/2024 9:00,1,ok,\n');
    const sink = collectingSink();
    await readCsvFeed(path, profile!, contextOf('z.csv'), sink);

    expect(sink.payments).toEqual([
      {
        paymentId: 'Z-1',
        initiatedAt: '2024-03-07T21:05:00-05:00',
        amountMinor: 9950,
        currency: 'USD',
        status: 'COMPLETED',
        fundingNetwork: 'MASTERCARD',
        cardLast4: '4444',
        authCode: '',
        networkTxnId: '',
        arn: '',
        senderToken: '',
        recipientToken: '',
        line: 2,
      },
    ]);
    expect(sink.quarantined).toEqual([
      { line: 3, raw: 'Z-2,3/8/2024 9:00,1,ok,', reason: 'when "3/8/2024 9:00" is not a valid date and time in the form M/D/YYYY hh:mm' },
    ]);
  });
});
