import type { Router } from 'express';
import { InputError } from '@switchboard/telco-finder';
import type { UsageStore } from './usage-store.js';

export interface UsageAdminDeps {
  readonly usage: Pick<UsageStore, 'usageReport'>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** A report spans at most about a year: one query, one page, no runaway scans. */
const MAX_DAYS = 366;

/**
 * Admin API v1: `GET /usage?from=YYYY-MM-DD&to=YYYY-MM-DD[&client][&operator]`, proxied
 * calls per UTC day × client × operator × API (seed §4.1). Both days are inclusive.
 */
export function mountUsageAdmin(router: Router, deps: UsageAdminDeps): void {
  router.get('/usage', async (req, res) => {
    const from = day(req.query.from, 'from');
    const to = day(req.query.to, 'to');
    if (to < from) throw new InputError('to must not be before from');
    if ((to.getTime() - from.getTime()) / DAY_MS >= MAX_DAYS)
      throw new InputError(`a report covers at most ${MAX_DAYS} days`);
    const items = await deps.usage.usageReport({
      from,
      to: new Date(to.getTime() + DAY_MS),
      ...optional('clientId', req.query.client),
      ...optional('operatorId', req.query.operator),
    });
    res.json({ from: iso(from), to: iso(to), items });
  });
}

function day(value: unknown, name: string): Date {
  if (typeof value !== 'string' || !DAY.test(value))
    throw new InputError(`${name} must be a date YYYY-MM-DD`);
  const date = new Date(`${value}T00:00:00Z`);
  // Date rolls 2026-02-30 over to March: a real day prints back as itself.
  if (Number.isNaN(date.getTime()) || iso(date) !== value)
    throw new InputError(`${name} is not a calendar day: ${value}`);
  return date;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {};
}
