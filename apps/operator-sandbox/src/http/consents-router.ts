import express, { type Request, type Response, type Router } from 'express';
import type { BackchannelDecisions } from '../backchannel/pending-consent-requests.js';
import type { Logger } from '../logger.js';
import type { GrantRevoker } from '../services/access-token-reader.js';
import type { ConsentService } from '../services/consent-service.js';
import type { IdentifiedSubscriber, NetworkIdentifier } from '../services/network-identifier.js';
import { purposeLabel } from '../services/purpose-policy.js';
import { connectionOf } from './connection.js';
import { consentUses } from './consent-uses.js';
import type { Csrf } from './csrf.js';
import { PageError, pageErrorHandler } from './page-error.js';
import { consentListPage, pendingRequestsSection, sendPage } from './pages.js';

export interface ConsentsRouterDeps {
  readonly operatorName: string;
  readonly clientNames: ReadonlyMap<string, string>;
  readonly consents: ConsentService;
  readonly grants: GrantRevoker;
  readonly backchannel: BackchannelDecisions;
  readonly network: NetworkIdentifier;
  readonly csrf: Csrf;
  readonly logger: Logger;
}

/**
 * The subscriber's consents page and the consent revocation endpoint (CAMARA ICM:
 * consent can be withdrawn at any time), and the answers to backend (CIBA) requests that
 * wait for consent. The subscriber is the network-identified line.
 */
export function createConsentsRouter(deps: ConsentsRouterDeps): Router {
  const router = express.Router();
  router.get('/consents', listConsents(deps));
  router.post(
    '/consents/revoke',
    express.urlencoded({ extended: false, limit: '4kb' }),
    revokeConsent(deps),
  );
  router.post(
    '/consents/requests/:id',
    express.urlencoded({ extended: false, limit: '4kb' }),
    decideRequest(deps),
  );
  router.use('/consents', pageErrorHandler(deps.logger));
  return router;
}

function listConsents(deps: ConsentsRouterDeps) {
  return async (req: Request, res: Response) => {
    const subscriber = await identify(deps, req);
    const items = deps.consents.list(subscriber.accountId).map((c) => ({
      clientId: c.clientId,
      clientName: deps.clientNames.get(c.clientId) ?? c.clientId,
      purpose: c.purpose,
      purposeLabel: purposeLabel(c.purpose),
      grantedAt: c.grantedAt,
    }));
    const pending = deps.backchannel.pendingFor(subscriber.accountId).map((r) => ({
      id: r.id,
      clientName: deps.clientNames.get(r.clientId) ?? r.clientId,
      purpose: r.purpose,
      purposeLabel: purposeLabel(r.purpose),
      uses: consentUses(r.apiScopes),
    }));
    const csrf = deps.csrf.issue(req, res, `consents:${subscriber.accountId}`);
    const page =
      consentListPage(deps.operatorName, items, csrf) + pendingRequestsSection(pending, csrf);
    sendPage(res, 200, 'Your consents', page);
  };
}

/** Approve: the consent is recorded and the request granted; deny: it ends with access_denied. */
function decideRequest(deps: ConsentsRouterDeps) {
  return async (req: Request, res: Response) => {
    const subscriber = await identify(deps, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.verify(req, `consents:${subscriber.accountId}`, body.csrf))
      throw new PageError(
        403,
        'Request refused',
        'The form could not be verified (CSRF check failed).',
      );
    if (body.decision !== 'approve' && body.decision !== 'deny')
      throw new PageError(400, 'Request refused', 'Choose Allow or Deny.');
    const id = String(req.params.id);
    if (!(await deps.backchannel.decide(subscriber.accountId, id, body.decision)))
      throw new PageError(404, 'Not found', 'There is no such request waiting for your decision.');
    res.redirect(303, '/consents');
  };
}

/** Removes the consent and ends every grant (so every token) issued under it. */
function revokeConsent(deps: ConsentsRouterDeps) {
  return async (req: Request, res: Response) => {
    const subscriber = await identify(deps, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.verify(req, `consents:${subscriber.accountId}`, body.csrf)) {
      throw new PageError(
        403,
        'Request refused',
        'The form could not be verified (CSRF check failed).',
      );
    }
    const clientId = typeof body.clientId === 'string' ? body.clientId : '';
    const purpose = typeof body.purpose === 'string' ? body.purpose : '';
    const grantIds = await deps.consents.revoke(subscriber.accountId, clientId, purpose);
    if (!grantIds) throw new PageError(404, 'Not found', 'There is no such consent.');
    await deps.grants.revoke(grantIds);
    const log = { clientId, purpose, accountId: subscriber.accountId, grants: grantIds.length };
    deps.logger.info('consent revoked', log);
    res.redirect(303, '/consents');
  };
}

async function identify(deps: ConsentsRouterDeps, req: Request): Promise<IdentifiedSubscriber> {
  const subscriber = await deps.network.identify(connectionOf(req));
  if (!subscriber)
    throw new PageError(
      403,
      'Not identified',
      'This device was not identified on the mobile network.',
    );
  return subscriber;
}
