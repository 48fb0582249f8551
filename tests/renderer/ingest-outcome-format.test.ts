import { describe, expect, it } from 'vitest';
import { describeOutcome, outcomeLabel } from '../../renderer/src/format/display';

describe('an ingest outcome in the window', () => {
  it('calls a file rejected only when the file is at fault, and a lock or a file still being written a wait', () => {
    const rejected = { status: 'rejected', file: '/inbox/visa.csv', reason: 'visa.csv (line 3): amount "x" is not a number' } as const;
    const waiting = { ...rejected, reason: 'visa.csv was not ingested. The database is locked…', isTransient: true };
    expect(outcomeLabel(rejected)).toBe('Rejected');
    expect(describeOutcome(rejected)).toBe(`Rejected: ${rejected.reason}`);
    expect(outcomeLabel(waiting)).toBe('Waiting');
    expect(describeOutcome(waiting)).toBe(`Not ingested yet: ${waiting.reason}`);
  });
});
