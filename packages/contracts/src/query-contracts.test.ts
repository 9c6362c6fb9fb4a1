import { describe, expect, it } from '@jest/globals';
import { adminAuditQuerySchema, operatorAuditQuerySchema } from './audit-contracts.js';
import { usageQuerySchema } from './usage-contracts.js';

const first = (r: { error?: { issues: Array<{ message: string }> } }) =>
  r.error?.issues[0]?.message;

describe('query contracts', () => {
  it('takes a usage report of real UTC days, at most 366 of them', () => {
    expect(usageQuerySchema.parse({ from: '2026-11-01', to: '2026-11-30', client: '' })).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-30T00:00:00Z'),
    });
    expect(first(usageQuerySchema.safeParse({ from: '2026-11-1', to: '2026-11-30' }))).toBe(
      'from must be a date YYYY-MM-DD',
    );
    expect(first(usageQuerySchema.safeParse({ from: '2026-02-30', to: '2026-03-01' }))).toBe(
      'from is not a calendar day: 2026-02-30',
    );
    expect(first(usageQuerySchema.safeParse({ from: '2026-11-30', to: '2026-11-01' }))).toBe(
      'to must not be before from',
    );
    expect(first(usageQuerySchema.safeParse({ from: '2025-01-01', to: '2026-01-02' }))).toBe(
      'a report covers at most 366 days',
    );
  });

  it('reads audit queries: the admin API takes blanks as absent, the operator API does not', () => {
    expect(adminAuditQuerySchema.parse({ operator: '', since: '', limit: '' })).toEqual({});
    expect(adminAuditQuerySchema.parse({ since: '2026-12-01', limit: '5' })).toEqual({
      since: new Date('2026-12-01T00:00:00Z'),
      limit: 5,
    });
    expect(first(adminAuditQuerySchema.safeParse({ since: '0000-01-01' }))).toMatch(
      /^since: not a time: '0000-01-01'/,
    );
    expect(first(adminAuditQuerySchema.safeParse({ limit: '10001' }))).toBe(
      'limit must be 1–10000',
    );
    expect(first(operatorAuditQuerySchema.safeParse({ since: '' }))).toMatch(/^since: not a time/);
    expect(first(operatorAuditQuerySchema.safeParse({ limit: '1001' }))).toBe(
      'limit must be 1–1000',
    );
  });
});
