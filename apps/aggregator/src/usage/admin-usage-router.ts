import type { Router } from 'express';
import { formatDay, usageQuerySchema } from '@switchboard/contracts';
import { parseRequest } from '../infra/parse-request.js';
import type { UsageStore } from './usage-store.js';

export interface UsageAdminDeps {
  readonly usage: Pick<UsageStore, 'usageReport'>;
}

const DAY_MS = 86_400_000;

/**
 * Admin API v1: `GET /usage?from=YYYY-MM-DD&to=YYYY-MM-DD[&client][&operator]`, proxied
 * calls per UTC day × client × operator × API (docs/operations.md, "Usage metering"). Both days are inclusive.
 */
export function mountUsageAdmin(router: Router, deps: UsageAdminDeps): void {
  router.get('/usage', async (req, res) => {
    const { from, to, client, operator } = parseRequest(usageQuerySchema, req.query);
    const items = await deps.usage.usageReport({
      from,
      to: new Date(to.getTime() + DAY_MS),
      ...(client ? { clientId: client } : {}),
      ...(operator ? { operatorId: operator } : {}),
    });
    res.json({ from: formatDay(from), to: formatDay(to), items });
  });
}
