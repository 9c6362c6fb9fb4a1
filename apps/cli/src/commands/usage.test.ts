import { describe, expect, it } from '@jest/globals';
import { reportWindow } from './usage.js';

describe('usage report window', () => {
  const now = new Date('2026-12-03T23:59:59Z');

  it('defaults to the last 7 days, today (UTC) included', () => {
    expect(reportWindow({}, now)).toEqual({ from: '2026-11-27', to: '2026-12-03' });
  });

  it('takes --to as the last day of the default week, across a month and a year', () => {
    expect(reportWindow({ to: '2026-01-03' }, now)).toEqual({
      from: '2025-12-28',
      to: '2026-01-03',
    });
  });

  it('runs from --from up to today, and keeps both days when given', () => {
    expect(reportWindow({ from: '2026-11-01' }, now)).toEqual({
      from: '2026-11-01',
      to: '2026-12-03',
    });
    expect(reportWindow({ from: '2026-11-01', to: '2026-11-30' }, now)).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
    });
  });
});
