import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../logger.js';
import type { InteractionGateway, InteractionView } from '../oidc/interaction-gateway.js';
import type { ConsentService } from '../services/consent-service.js';
import type { NetworkIdentifier } from '../services/network-identifier.js';
import {
  purposeLabel,
  type PurposePolicy,
  type PurposeRequest,
} from '../services/purpose-policy.js';
import { connectionOf } from './connection.js';
import { consentUses } from './consent-uses.js';
import type { Csrf } from './csrf.js';
import { PageError, pageErrorHandler } from './page-error.js';
import { consentPage, sendPage } from './pages.js';

export interface InteractionRouterDeps {
  readonly operatorName: string;
  readonly interactions: InteractionGateway;
  readonly purposes: PurposePolicy;
  readonly consents: ConsentService;
  readonly network: NetworkIdentifier;
  readonly csrf: Csrf;
  readonly logger: Logger;
}

/**
 * Consent capture (seed Annex steps 11–12): the only page of the authorization flow.
 * Authentication itself is network-based and never shows a page.
 */
export function createInteractionRouter(deps: InteractionRouterDeps): Router {
  const router = express.Router();
  router.get('/interaction/:uid', showConsent(deps));
  router.post(
    '/interaction/:uid/decision',
    express.urlencoded({ extended: false, limit: '4kb' }),
    decide(deps),
  );
  router.use('/interaction', pageErrorHandler(deps.logger));
  return router;
}

function showConsent(deps: InteractionRouterDeps) {
  return async (req: Request, res: Response) => {
    const { view, request } = await pausedConsent(deps, req, res);
    const page = consentPage({
      operatorName: deps.operatorName,
      clientName: view.clientName,
      purposeLabel: purposeLabel(request.purpose),
      purpose: request.purpose,
      uses: consentUses(request.apiScopes),
      action: `/interaction/${encodeURIComponent(view.uid)}/decision`,
      csrf: deps.csrf.issue(req, res, `interaction:${view.uid}`),
    });
    sendPage(res, 200, `${view.clientName} asks for your consent`, page);
  };
}

/** Records the decision in the consent master, then resumes the authorization request. */
function decide(deps: InteractionRouterDeps) {
  return async (req: Request, res: Response) => {
    const { view, request } = await pausedConsent(deps, req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!deps.csrf.verify(req, `interaction:${view.uid}`, body.csrf)) {
      throw new PageError(
        403,
        'Request refused',
        'The form could not be verified (CSRF check failed).',
      );
    }
    const subscriber = await deps.network.identify(connectionOf(req));
    if (!subscriber || subscriber.accountId !== view.accountId) {
      throw new PageError(
        403,
        'Request refused',
        'Consent can only be given from the line it concerns.',
      );
    }
    const log = { clientId: view.clientId, purpose: request.purpose, accountId: view.accountId };
    if (body.decision === 'approve') {
      await deps.consents.give(subscriber.accountId, view.clientId, request.purpose);
      deps.logger.info('consent given', log);
      return deps.interactions.finish(req, res, { kind: 'consented' });
    }
    if (body.decision !== 'deny')
      throw new PageError(400, 'Request refused', 'Choose Allow or Deny.');
    deps.logger.info('consent refused', log);
    const description = `the subscriber refused consent for ${request.purpose}`;
    return deps.interactions.finish(req, res, { kind: 'denied', description });
  };
}

async function pausedConsent(
  deps: InteractionRouterDeps,
  req: Request,
  res: Response,
): Promise<{ view: InteractionView; request: PurposeRequest }> {
  let view: InteractionView;
  try {
    view = await deps.interactions.details(req, res);
  } catch {
    throw new PageError(
      400,
      'Request expired',
      'This authorization request has expired or belongs to another browser.',
    );
  }
  const check = deps.purposes.check(view.scope);
  if (view.uid !== req.params.uid || view.prompt !== 'consent' || !check.ok) {
    throw new PageError(
      400,
      'Request refused',
      'This page does not belong to a pending consent request.',
    );
  }
  return { view, request: check.request };
}
