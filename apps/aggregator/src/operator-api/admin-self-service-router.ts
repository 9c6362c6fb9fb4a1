import type { Request, Router } from 'express';
import {
  InputError,
  parseAuditSince,
  type Actor,
  type AuditQuery,
  type AuditRecord,
  type OperatorService,
  type OverlapApprovals,
  type RoutingSync,
} from '@switchboard/telco-finder';
import type { ClientService } from '../clients/client-service.js';

export interface SelfServiceAdminDeps {
  readonly operators: OperatorService;
  readonly clients?: ClientService;
  readonly approvals: OverlapApprovals;
  readonly routingSync: RoutingSync;
  readonly audit: (query: AuditQuery) => Promise<AuditRecord[]>;
}

/** Admin API v1: operator API credentials, overlap approvals, routing sync, the audit log. */
export function mountSelfServiceAdmin(
  router: Router,
  deps: SelfServiceAdminDeps,
  actor: Actor,
): void {
  const { clients } = deps;
  if (clients) {
    router.post('/operators/:id/credentials', async (req, res) => {
      const operatorId = req.params.id!;
      await deps.operators.get(operatorId);
      const body = objectBody(req);
      res.status(201).json(
        await clients.add({
          name: body.name ?? `${operatorId} operator API`,
          grantType: 'client_credentials',
          authMethod: 'private_key_jwt',
          operatorId,
          ...(body.jwks !== undefined ? { jwks: body.jwks } : {}),
          ...(body.generateKey !== undefined ? { generateKey: body.generateKey } : {}),
        }),
      );
    });
    router.get('/operators/:id/credentials', async (req, res) => {
      await deps.operators.get(req.params.id!);
      const items = (await clients.list()).filter((c) => c.operatorId === req.params.id);
      res.json({ items });
    });
  }
  router.post('/operators/:id/routing-sync', async (req, res) => {
    res.json(await deps.routingSync.sync(req.params.id!, actor));
  });

  router.get('/overlaps', async (req, res) => {
    const operator = typeof req.query.operator === 'string' ? req.query.operator : undefined;
    res.json({ items: await deps.approvals.list(operator || undefined) });
  });
  router.post('/overlaps', async (req, res) => {
    const body = objectBody(req);
    const note = typeof body.note === 'string' ? body.note : undefined;
    res.status(201).json({
      approved: await deps.approvals.approve(
        operatorIdOf(body),
        body.values as string[],
        actor,
        note,
      ),
    });
  });
  router.post('/overlaps/revoke', async (req, res) => {
    const body = objectBody(req);
    res.json({
      revoked: await deps.approvals.revoke(operatorIdOf(body), body.values as string[], actor),
    });
  });

  router.get('/audit', async (req, res) => {
    res.json({ items: await deps.audit(auditQuery(req)) });
  });
}

function objectBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InputError('send a JSON object');
  return body as Record<string, unknown>;
}

function operatorIdOf(body: Record<string, unknown>): string {
  if (typeof body.operatorId !== 'string' || !body.operatorId)
    throw new InputError('operatorId is required');
  return body.operatorId;
}

function auditQuery(req: Request): AuditQuery {
  const { operator, since, limit } = req.query;
  const query: AuditQuery = {};
  if (typeof operator === 'string' && operator) query.operatorId = operator;
  if (typeof since === 'string' && since) query.since = parseAuditSince(since);
  if (typeof limit === 'string' && limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InputError('limit must be 1–10000');
    query.limit = n;
  }
  return query;
}
