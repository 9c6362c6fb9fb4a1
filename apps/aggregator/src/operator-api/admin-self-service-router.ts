import type { Router } from 'express';
import {
  adminAuditQuerySchema,
  operatorClientRequestSchema,
  overlapApproveSchema,
  overlapRevokeSchema,
  type AuditRecord,
  type OperatorClientRequest,
} from '@switchboard/contracts';
import {
  type Actor,
  type AuditQuery,
  type OperatorService,
  type OverlapApprovals,
  type RoutingSync,
} from '@switchboard/telco-finder';
import type { ClientService } from '../clients/client-service.js';
import { parseRequest } from '../infra/parse-request.js';

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
      // The fields keep the rules of `POST /clients`, which checks them.
      const body: OperatorClientRequest = parseRequest(operatorClientRequestSchema, req.body) ?? {};
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
    const { operatorId, values, note } = parseRequest(overlapApproveSchema, req.body);
    res
      .status(201)
      .json({ approved: await deps.approvals.approve(operatorId, values, actor, note) });
  });
  router.post('/overlaps/revoke', async (req, res) => {
    const { operatorId, values } = parseRequest(overlapRevokeSchema, req.body);
    res.json({ revoked: await deps.approvals.revoke(operatorId, values, actor) });
  });

  router.get('/audit', async (req, res) => {
    const { operator, since, limit } = parseRequest(adminAuditQuerySchema, req.query);
    res.json({ items: await deps.audit({ operatorId: operator, since, limit }) });
  });
}
