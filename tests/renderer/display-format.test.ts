import { describe, expect, it } from 'vitest';
import { formatEpoch, formatTimestamp } from '../../renderer/src/format/display';

describe('timestamps in the window', () => {
  it('carry their zone, so a time is never read in the wrong one', () => {
    expect(formatTimestamp('2026-11-06T20:00:00.000Z', 'America/New_York')).toBe('2026-11-06 15:00:00 EST');
    expect(formatTimestamp('2026-07-06T20:00:00.000Z', 'America/New_York')).toBe('2026-07-06 16:00:00 EDT');
    expect(formatEpoch(Date.parse('2026-11-06T20:00:00.000Z'), 'UTC')).toBe('2026-11-06 20:00:00 UTC');
  });

  it('name the local zone when no other is asked for', () => {
    expect(formatTimestamp('2026-11-06T20:00:00.000Z')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z][A-Za-z0-9+:-]*$/);
  });

  it('leave text that is not a timestamp as it is', () => {
    expect(formatTimestamp('not yet')).toBe('not yet');
  });
});
