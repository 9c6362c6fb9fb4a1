import { randomUUID } from 'node:crypto';
import type { Database } from '@switchboard/db';
import { createSecretBox } from '@switchboard/tokens';
import {
  createOperatorService,
  createRouteService,
  createRoutingIndex,
  type Actor,
  type OperatorInput,
  type RoutingContext,
  type RoutingIndex,
} from '../src/index.js';

export const ADMIN: Actor = { kind: 'admin', id: 'test' };
export const quiet = { info() {}, warn() {}, error() {} };

/** One "process": its own index, services and instance id over a shared database. */
export function createNode(db: Database) {
  const instanceId = randomUUID();
  const index: RoutingIndex = createRoutingIndex({
    knex: db.knex,
    listen: db.listen,
    instanceId,
    logger: quiet,
  });
  const ctx: RoutingContext = {
    knex: db.knex,
    secretBox: createSecretBox(['test-master-key-0123456789abcdef0123']),
    instanceId,
    afterChange: () => index.refresh(),
  };
  return { ctx, index, operators: createOperatorService(ctx), routes: createRouteService(ctx) };
}

export function operatorInput(id: string, overrides: Partial<OperatorInput> = {}): OperatorInput {
  return {
    id,
    name: `Operator ${id}`,
    country: 'ES',
    issuerUrl: `https://${id}.example/auth`,
    apiRoot: `https://${id}.example/api`,
    clientId: 'switchboard',
    credentials: { method: 'client_secret_basic', clientSecret: 'a-long-client-secret' },
    ...overrides,
  };
}

export async function* linesOf(text: string): AsyncIterable<string> {
  for (const line of text.split('\n')) yield line;
}

export async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
