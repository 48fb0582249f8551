import { describe, expect, it } from 'vitest';
import { maskToken, scrubPans, truncatePan } from '../../../shared/masking';

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
