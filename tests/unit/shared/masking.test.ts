import { describe, expect, it } from 'vitest';
import {
  maskCardNumbers,
  maskCardNumbersInReference,
  maskToken,
  scrubPans,
  scrubTokens,
  scrubTypedPans,
  truncatePan,
} from '../../../shared/masking';

describe('truncatePan', () => {
  it('keeps the first six and last four digits only', () => {
    expect(truncatePan('4111111111111111')).toEqual({ first6: '411111', last4: '1111' });
    expect(truncatePan('5500 0000 0000 0004')).toEqual({ first6: '550000', last4: '0004' });
  });
  it('reads an already masked PAN', () => {
    expect(truncatePan('411111******1111')).toEqual({ first6: '411111', last4: '1111' });
    expect(truncatePan('************1111')).toEqual({ first6: '', last4: '1111' });
  });
  it('keeps a bare last four', () => {
    expect(truncatePan('1234')).toEqual({ first6: '', last4: '1234' });
    expect(truncatePan('')).toEqual({ first6: '', last4: '' });
  });
});

describe('scrubPans', () => {
  it('masks card numbers hiding in free text', () => {
    expect(scrubPans('R1,4111111111111111,12.00')).toBe('R1,411111******1111,12.00');
  });
  it('leaves numbers that are not card-shaped alone: 23-digit ARNs, short ids, non-Luhn runs', () => {
    expect(scrubPans('74567891234567890123456')).toBe('74567891234567890123456');
    expect(scrubPans('261110153000')).toBe('261110153000');
    expect(scrubPans('4111111111111112')).toBe('4111111111111112');
  });
});

describe('maskToken', () => {
  it('masks e-mails and phones', () => {
    expect(maskToken('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskToken('+1 (212) 555-1234')).toBe('***-***-1234');
    expect(maskToken('')).toBe('');
  });
});

describe('Zelle tokens in free text', () => {
  it('masks e-mails and phone numbers as the spec shows them, and leaves ids, amounts and dates alone', () => {
    expect(scrubTokens('ZP1,2026-11-02T10:00:00-05:00,125.40,USD,COMPLETED,jane.doe@example.com,+12125551234,bad')).toBe(
      'ZP1,2026-11-02T10:00:00-05:00,125.40,USD,COMPLETED,j***@example.com,***-***-1234,bad',
    );
    expect(scrubTokens('call (212) 555-1234 or 212-555-9876')).toBe('call ***-***-1234 or ***-***-9876');
    expect(scrubTokens('V202611020000011,4111110000001111,2026-11-02')).toBe('V202611020000011,4111110000001111,2026-11-02');
  });
});

describe('card numbers typed by people', () => {
  it('are masked in groups of four or with dashes, and other digit groups are left alone', () => {
    expect(scrubTypedPans('card 4111 1111 1111 1111 and 4111-1111-1111-1111.')).toBe('card 411111******1111 and 411111******1111.');
    expect(scrubTypedPans('ticket 2026-11-02, ref 1234 5678')).toBe('ticket 2026-11-02, ref 1234 5678');
  });
});

describe('maskCardNumbers, the one masking every feed reader applies', () => {
  it('masks bare and grouped card numbers as the PAN fields are, keeping separators where they were', () => {
    expect(maskCardNumbers('SHOP 4111111111111111 NY')).toBe('SHOP 411111******1111 NY');
    expect(maskCardNumbers('PAY4111111111111111\\CITY')).toBe('PAY411111******1111\\CITY');
    expect(maskCardNumbers('card 4111 1111 1111 1111.')).toBe('card 4111 11** **** 1111.');
    expect(maskCardNumbers('5555-5555-5555-4444')).toBe('5555-55**-****-4444');
    expect(maskCardNumbers('4222222222222')).toBe('422222***2222');
  });

  it('finds a card number that other digit groups follow or precede, which the longest run would hide', () => {
    expect(maskCardNumbers('4111 1111 1111 1111 22 MAIN ST')).toBe('4111 11** **** 1111 22 MAIN ST');
    expect(maskCardNumbers('12 4111111111111111')).toBe('12 411111******1111');
  });

  it('keeps the length of the text, so a fixed-width record keeps its columns', () => {
    const record = `05 4111 1111 1111 1111 ${'0'.repeat(30)} ZELLE`;
    expect(maskCardNumbers(record)).toHaveLength(record.length);
  });

  it('leaves ARNs, dates, amounts, short ids and numbers failing the Luhn check alone', () => {
    for (const text of ['74123456789012345678901', '2026-11-02', '125.40', 'ref 1234 5678', '4111111111111112', 'ZELLE PAYMENT']) {
      expect(maskCardNumbers(text)).toBe(text);
    }
  });

  it('keeps a 15-digit Visa Transaction Identifier whole in a reference, and masks any other card number there', () => {
    // Luhn-valid, as one Visa Transaction Identifier in ten is: masked as text, kept as a reference.
    expect(maskCardNumbers('378282246310005')).toBe('378282*****0005');
    expect(maskCardNumbersInReference('378282246310005')).toBe('378282246310005');
    expect(maskCardNumbersInReference('4111111111111111')).toBe('411111******1111');
    expect(maskCardNumbersInReference('MCC 4111111111111111')).toBe('MCC 411111******1111');
  });
});
