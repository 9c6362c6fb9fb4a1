import type { Router } from 'express';
import { rotateOpenId4VpRequestSchema } from '@switchboard/contracts';
import { parseRequest } from '../infra/parse-request.js';
import type { OpenId4VpKeys } from './openid4vp-keys.js';

export interface OpenId4VpAdminDeps {
  readonly keys: Pick<OpenId4VpKeys, 'view' | 'rotate'>;
  /** Records a rotation in the audit log (who, new kids, root fingerprint). */
  readonly audit: (detail: {
    root: boolean;
    rootKid: string;
    rootFingerprint: string;
    leafKid: string;
  }) => Promise<void>;
}

/** Admin API v1: the aggregator's OpenID4VP signing chain (`switchboard keys openid4vp`). */
export function mountOpenId4VpAdmin(router: Router, deps: OpenId4VpAdminDeps): void {
  router.get('/keys/openid4vp', async (_req, res) => {
    res.json(await deps.keys.view());
  });
  router.post('/keys/openid4vp/rotate', async (req, res) => {
    const root = parseRequest(rotateOpenId4VpRequestSchema, req.body)?.root ?? false;
    const view = await deps.keys.rotate({ root });
    await deps.audit({
      root,
      rootKid: view.root.kid,
      rootFingerprint: view.root.fingerprint,
      leafKid: view.leaf.kid,
    });
    res.status(201).json(view);
  });
}
