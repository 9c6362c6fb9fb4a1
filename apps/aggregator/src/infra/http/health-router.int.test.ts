import { describe, expect, it } from '@jest/globals';
import express from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import type { RoutingIndex } from '@switchboard/telco-finder';
import { createHealthRouter } from './health-router.js';

const index = { stats: () => ({ ready: true, operators: 2 }) } as unknown as RoutingIndex;
const knexAnswering = (raw: () => Promise<unknown>) => ({ raw }) as unknown as Knex;

function app(knex: Knex, draining = false, serving = true, details = true) {
  const a = express();
  a.use(
    createHealthRouter({
      knex,
      index,
      draining: () => draining,
      serving: () => serving,
      databaseTimeoutMs: 200,
      details,
    }),
  );
  return a;
}

describe('health router', () => {
  it('says only its status without details (the public listener): no routing-index statistics', async () => {
    const ok = await request(
      app(
        knexAnswering(async () => ({})),
        false,
        true,
        false,
      ),
    ).get('/ready');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'ready' });
    const down = knexAnswering(async () => {
      throw new Error('down');
    });
    const refused = await request(app(down, false, true, false)).get('/ready');
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ status: 'not ready' });
  });

  it('is ready when the database answers and the index is loaded', async () => {
    const res = await request(app(knexAnswering(async () => ({})))).get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', database: true, index: { ready: true } });
  });

  it('reports a database outage as 503 not ready, while /health stays 200', async () => {
    const down = knexAnswering(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const res = await request(app(down)).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'not ready', database: false });
    expect((await request(app(down)).get('/health')).status).toBe(200);
  });

  it('answers within its timeout when the database check hangs', async () => {
    const hanging = knexAnswering(() => new Promise(() => undefined));
    const res = await request(app(hanging)).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.database).toBe(false);
  });

  it('says starting until every public route is mounted', async () => {
    const res = await request(
      app(
        knexAnswering(async () => ({})),
        false,
        false,
      ),
    ).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'starting', database: true });
  });

  it('says draining once shutdown began, even with a healthy database', async () => {
    const res = await request(
      app(
        knexAnswering(async () => ({})),
        true,
      ),
    ).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'draining', database: true });
  });
});
