import { describe, expect, it } from '@jest/globals';
import { toCsv, USAGE_CSV_HEADER } from './usage-csv.js';

const row = {
  day: '2026-12-04',
  clientId: 'sb-abc',
  operatorId: 'sandbox-a',
  api: 'number-verification',
  calls: 3,
  callsOk: 2,
};

describe('usage CSV', () => {
  it('has the header and one CRLF line per row', () => {
    expect(toCsv([row])).toBe(
      `${USAGE_CSV_HEADER}\r\n2026-12-04,sb-abc,sandbox-a,number-verification,3,2\r\n`,
    );
    expect(toCsv([])).toBe(`${USAGE_CSV_HEADER}\r\n`);
  });

  it('quotes separators and defuses spreadsheet formulas', () => {
    const line = toCsv([{ ...row, clientId: '=HYPERLINK("x")', api: 'a,b' }]).split('\r\n')[1];
    expect(line).toBe(`2026-12-04,"'=HYPERLINK(""x"")",sandbox-a,"a,b",3,2`);
  });
});
