import type { Router } from 'express';
import { retireKeyRequestSchema, rotateMasterRequestSchema } from '@switchboard/contracts';
import { InputError } from '@switchboard/telco-finder';
import { parseRequest } from '../infra/parse-request.js';
import type { MasterKeyRotation } from '../keys/master-key-rotation.js';
import type { ClientService } from './client-service.js';
import type { KeyService } from '../keys/key-service.js';

export interface ClientAdminDeps {
  readonly clients: ClientService;
  readonly keys: KeyService;
  readonly masterKeys?: MasterKeyRotation;
}

/** Admin API v1: service-provider clients and AggregatorAccessToken keys. */
export function mountClientAdmin(router: Router, deps: ClientAdminDeps): void {
  const { clients, keys } = deps;
  router.get('/clients', async (_req, res) => {
    res.json({ items: await clients.list() });
  });
  router.post('/clients', async (req, res) => {
    res.status(201).json(await clients.add(req.body));
  });
  router.get('/clients/:id', async (req, res) => {
    res.json(await clients.get(req.params.id!));
  });
  router.patch('/clients/:id', async (req, res) => {
    res.json(await clients.update(req.params.id!, req.body));
  });
  router.post('/clients/:id/rotate-secret', async (req, res) => {
    res.json(await clients.rotateSecret(req.params.id!));
  });
  router.post('/clients/:id/disable', async (req, res) => {
    res.json(await clients.setStatus(req.params.id!, 'disabled'));
  });
  router.post('/clients/:id/enable', async (req, res) => {
    res.json(await clients.setStatus(req.params.id!, 'active'));
  });
  router.delete('/clients/:id', async (req, res) => {
    await clients.remove(req.params.id!);
    res.status(204).end();
  });

  router.get('/keys', async (_req, res) => {
    res.json({ items: await keys.list() });
  });
  router.post('/keys/rotate', async (_req, res) => {
    res.status(201).json(await keys.rotate());
  });
  router.post('/keys/rotate-master', async (req, res) => {
    if (!deps.masterKeys) throw new InputError('master-key rotation is not available here');
    const body = parseRequest(rotateMasterRequestSchema, req.body);
    res.json(await deps.masterKeys.rotate({ batchSize: body?.batchSize }));
  });
  router.post('/keys/:kid/retire', async (req, res) => {
    const body = parseRequest(retireKeyRequestSchema, req.body);
    res.json(await keys.retire(req.params.kid!, { force: body?.force }));
  });
}
