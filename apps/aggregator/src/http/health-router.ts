import express, { type Router } from 'express';
import type { Knex } from 'knex';
import type { RoutingIndex } from '@switchboard/telco-finder';

/** `/health`: the process is alive. `/ready`: the database answers and the index is loaded. */
export function createHealthRouter(deps: { knex: Knex; index: RoutingIndex }): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const index = deps.index.stats();
    const database = await deps.knex
      .raw('SELECT 1')
      .then(() => true)
      .catch(() => false);
    const ready = database && index.ready;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database, index });
  });
  return router;
}
