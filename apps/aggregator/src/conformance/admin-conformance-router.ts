import type { Router } from 'express';
import { healthQuerySchema, testSubscriberSchema, windowMs } from '@switchboard/contracts';
import { InputError, type OperatorService } from '@switchboard/telco-finder';
import { parseRequest } from '../infra/parse-request.js';
import type { Conformance } from './create-conformance.js';

export interface ConformanceAdminDeps {
  readonly conformance: Conformance;
  readonly operators: Pick<OperatorService, 'get'>;
}

const DEFAULT_WINDOW = '24h';
const MAX_RESULTS = 100;

/**
 * Admin API v1 (docs/operator-conformance.md): `POST /operators/{id}/conformance-checks` runs
 * the check now and stores it; `GET` lists the stored runs, newest first; `GET`/`PUT
 * /operators/{id}/test-subscriber`; `GET /operator-health?window=24h` is the scorecard.
 */
export function mountConformanceAdmin(router: Router, deps: ConformanceAdminDeps): void {
  const { conformance } = deps;
  router.post('/operators/:id/conformance-checks', async (req, res) => {
    res.status(201).json(await conformance.run(req.params.id!));
  });
  router.get('/operators/:id/conformance-checks', async (req, res) => {
    const id = req.params.id!;
    await deps.operators.get(id);
    const limit = req.query.limit === undefined ? 10 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RESULTS)
      throw new InputError(`limit must be a whole number from 1 to ${MAX_RESULTS}`);
    res.json({ items: await conformance.results(id, limit) });
  });
  router.get('/operators/:id/test-subscriber', async (req, res) => {
    const id = req.params.id!;
    await deps.operators.get(id);
    res.json((await conformance.testSubscriber(id)) ?? { deviceIp: null, phoneNumber: null });
  });
  router.put('/operators/:id/test-subscriber', async (req, res) => {
    const id = req.params.id!;
    const patch = parseRequest(testSubscriberSchema, req.body);
    await deps.operators.get(id);
    res.json(await conformance.setTestSubscriber(id, patch));
  });
  router.get('/operator-health', async (req, res) => {
    const { window = DEFAULT_WINDOW } = parseRequest(healthQuerySchema, req.query);
    res.json(await conformance.health(window, windowMs(window)!));
  });
}
