import { describe, expect, it } from 'vitest';

import { collectingSink } from '../../helpers/collecting-sink';
import { printable } from '../../../main/engine/feeds/printable';
import { LATIN1_TO_CP500 } from '../../../main/engine/feeds/cp500';
import { readVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-reader';
import { writeVisaBase2 } from '../../../main/engine/feeds/visa-base2/base2-writer';
import { transaction } from './visa-base2/base2-test-helpers';

describe('printable', () => {
  it('shows control characters, DEL, the C1 controls and the no-break space as dots', () => {
    expect(printable('A\u0000B\u001fC\u007fD\u0085E\u009fF\u00a0G')).toBe('A.B.C.D.E.F.G');
  });

  it('keeps printable ASCII and the latin-1 letters', () => {
    const text = ' !~09AZaz\u00a1\u00e9\u00ff';
    expect(printable(text)).toBe(text);
  });

  it('shows an EBCDIC required space in a Base II merchant name as a dot, as the IPM reader does', () => {
    const bytes = writeVisaBase2({
      processingBin: '412345',
      processingDate: '2026-03-10',
      batches: [[transaction({ descriptor: 'CAFE\u00a0DU COIN' })]],
      encoding: 'ebcdic',
      lineEnd: '',
    });
    expect(bytes[168 + 91 + 4]).toBe(LATIN1_TO_CP500[0xa0]);
    const sink = collectingSink();
    readVisaBase2(bytes, { fileName: 'visa.ctf', sha256: '0'.repeat(64) }, sink);
    expect(sink.records[0]?.descriptor).toBe('CAFE.DU COIN');
  });
});
