import { describe, expect, it } from '@jest/globals';
import {
  formatCount,
  formatHour,
  formatMs,
  formatRate,
  formatTime,
  isoToUtcInput,
  rate,
  utcInputToIso,
} from './format.js';

describe('console number and time formats', () => {
  it('counts with thousands separators, a dash for nothing', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('—');
  });

  it('rates as percent with one decimal', () => {
    expect(formatRate(0.6)).toBe('60.0 %');
    expect(formatRate(2 / 3)).toBe('66.7 %');
    expect(formatRate(null)).toBe('—');
    expect(rate(3, 4)).toBe(0.75);
    expect(rate(0, 0)).toBeNull();
  });

  it('milliseconds: one decimal under 10 ms, whole above', () => {
    expect(formatMs(3.25)).toBe('3.3 ms');
    expect(formatMs(4)).toBe('4 ms');
    expect(formatMs(347.7)).toBe('348 ms');
    expect(formatMs(null)).toBe('—');
  });

  it('times in UTC, whatever the browser’s zone', () => {
    expect(formatTime('2026-12-04T10:05:09.123Z')).toBe('2026-12-04 10:05:09 UTC');
    expect(formatTime(null)).toBe('—');
    expect(formatHour('2026-12-04T10:00:00.000Z')).toBe('12-04 10:00');
  });

  it('reads datetime-local inputs as UTC and back', () => {
    expect(utcInputToIso('2026-12-04T10:05')).toBe('2026-12-04T10:05:00.000Z');
    expect(utcInputToIso('')).toBeUndefined();
    expect(isoToUtcInput('2026-12-04T10:05:00.000Z')).toBe('2026-12-04T10:05');
  });
});
