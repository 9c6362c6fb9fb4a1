import express, { type Router } from 'express';
import type { Knex } from 'knex';
import type { RoutingIndex } from '@switchboard/telco-finder';
import { workerIdentity } from './worker-identity.js';

export interface HealthDeps {
  readonly knex: Knex;
  readonly index: RoutingIndex;
  /** True once shutdown began: load balancers must stop sending new requests here. */
  readonly draining?: () => boolean;
  /**
   * True once every public route is mounted (the OIDC provider and the proxy start after the
   * listener): before that a balancer must not send traffic here.
   */
  readonly serving?: () => boolean;
  /** A database check slower than this counts as down (a health check must not hang). */
  readonly databaseTimeoutMs?: number;
  /**
   * Include the database check and routing-index statistics in `/ready` (the admin
   * listener); the public listener says only its status, which is all a balancer needs.
   */
  readonly details?: boolean;
}

/**
 * `/health`: the process is alive. `/ready`: it serves every route, the database answers, the
 * index is loaded and the process is not draining. Never slower than `databaseTimeoutMs`.
 * Only `details` shows why: operators' route counts are nobody's business on the public side.
 */
export type HealthRouter = Router;

export function createHealthRouter(deps: HealthDeps): HealthRouter {
  const router = express.Router();
  const timeoutMs = deps.databaseTimeoutMs ?? 2_000;
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const index = deps.index.stats();
    const draining = deps.draining?.() ?? false;
    const serving = deps.serving?.() ?? true;
    const database = await databaseAnswers(deps.knex, timeoutMs);
    const ready = database && index.ready && serving && !draining;
    const status = ready ? 'ready' : draining ? 'draining' : serving ? 'not ready' : 'starting';
    // In cluster mode the worker and its pid, so a balancer's check names the process it saw.
    const body = deps.details ? { status, database, index } : { status };
    res.status(ready ? 200 : 503).json({ ...body, ...workerIdentity() });
  });
  return router;
}

async function databaseAnswers(knex: Knex, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const query = knex.raw('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
