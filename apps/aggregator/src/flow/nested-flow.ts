import { createHmac } from 'node:crypto';
import * as client from 'openid-client';
import type { Operator, TelcoFinder, Logger } from '@switchboard/telco-finder';
import type { AuthorizationGateway, PendingAuthorization } from '../oidc/interaction-gateway.js';
import type { OperatorGrants } from '../services/operator-grants.js';
import type { OperatorFlowRow } from '../store/operator-flow-store.js';
import type { OperatorClient } from './operator-client.js';
import {
  appErrorFor,
  FLOW_ERRORS,
  isTimeout,
  operatorText,
  type AppError,
} from './operator-errors.js';
import { translateScope } from './scope-translation.js';

export interface OperatorFlowStore {
  insert(row: OperatorFlowRow): Promise<void>;
  take(state: string): Promise<OperatorFlowRow | undefined>;
}

export interface NestedFlowDeps {
  readonly finder: TelcoFinder;
  readonly operator: (id: string) => Promise<Operator>;
  readonly operatorClient: OperatorClient;
  readonly flows: OperatorFlowStore;
  readonly grants: OperatorGrants;
  readonly interactions: AuthorizationGateway;
  readonly pairwiseSecret: Buffer;
  readonly flowTtlSeconds: number;
  readonly logger: Logger;
}

/** Where to send the browser next; `undefined` when the app's request has expired. */
export type Next = string | undefined;

export type CallbackOutcome = { kind: 'redirect'; url: Next } | { kind: 'unknown-state' };

export interface NestedFlow {
  /** Annex steps 3–6: find the device's operator and send the browser there. */
  start(pending: PendingAuthorization, deviceIp: string | undefined): Promise<Next>;
  /** Annex steps 13–17: the operator's answer, then back to the app. */
  complete(callbackUrl: URL): Promise<CallbackOutcome>;
}

const UNIDENTIFIED =
  'the mobile network of the device could not be identified: it may be on Wi-Fi, or its operator is not supported';

export function createNestedFlow(deps: NestedFlowDeps): NestedFlow {
  const { interactions, logger } = deps;
  const fail = (uid: string, e: AppError) => interactions.fail(uid, e.error, e.description);

  return {
    async start(pending, deviceIp) {
      const match = deviceIp ? deps.finder.lookupIp(deviceIp) : undefined;
      if (!match || match.operator.status !== 'active') {
        logger.info('no operator for device', { clientId: pending.clientId });
        return interactions.fail(pending.uid, 'access_denied', UNIDENTIFIED);
      }
      const op = match.operator;
      const codeVerifier = client.randomPKCECodeVerifier();
      const flow: OperatorFlowRow = {
        state: client.randomState(),
        interaction_uid: pending.uid,
        client_id: pending.clientId,
        operator_id: op.id,
        code_verifier: codeVerifier,
        nonce: client.randomNonce(),
        scope: pending.scope,
        expires_at: new Date(Date.now() + deps.flowTtlSeconds * 1000),
      };
      let url: URL;
      try {
        url = await deps.operatorClient.authorizationUrl(op, {
          state: flow.state,
          nonce: flow.nonce,
          codeChallenge: await client.calculatePKCECodeChallenge(codeVerifier),
          scope: translateScope(pending.scope, op.scopeStyle),
          promptNone: pending.promptNone,
        });
      } catch (err) {
        logger.warn('operator discovery failed', { operatorId: op.id, error: String(err) });
        return fail(pending.uid, FLOW_ERRORS.unreachable);
      }
      await deps.flows.insert(flow);
      logger.info('sent device to operator', { clientId: pending.clientId, operatorId: op.id });
      return url.href;
    },

    async complete(callbackUrl) {
      const state = callbackUrl.searchParams.get('state');
      const flow = state ? await deps.flows.take(state) : undefined;
      if (!flow) return { kind: 'unknown-state' };
      const op = await deps.operator(flow.operator_id);
      const error = callbackUrl.searchParams.get('error');
      if (error) {
        const said = callbackUrl.searchParams.get('error_description');
        // The operator's own words go to the log, never to the app (they may name it).
        logger.info('operator refused', {
          clientId: flow.client_id,
          operatorId: op.id,
          error: operatorText(error, 64),
          description: operatorText(said),
        });
        const url = await fail(flow.interaction_uid, appErrorFor(error, said));
        return { kind: 'redirect', url };
      }
      return { kind: 'redirect', url: await exchange(op, flow, callbackUrl) };
    },
  };

  async function exchange(op: Operator, flow: OperatorFlowRow, callbackUrl: URL): Promise<Next> {
    let tokens;
    try {
      tokens = await deps.operatorClient.exchange(op, callbackUrl, {
        state: flow.state,
        nonce: flow.nonce,
        codeVerifier: flow.code_verifier,
      });
    } catch (err) {
      logger.warn('operator token exchange failed', { operatorId: op.id, error: String(err) });
      const failure = isTimeout(err) ? FLOW_ERRORS.timeout : FLOW_ERRORS.invalidTokenResponse;
      return fail(flow.interaction_uid, failure);
    }
    // ICM: `sub` is a pairwise pseudonym per app, never the MSISDN nor the operator's sub.
    const accountId = createHmac('sha256', deps.pairwiseSecret)
      .update(`${flow.client_id}\0${op.id}\0${tokens.sub}`)
      .digest('base64url');
    const grantId = await interactions.grantFor(flow.client_id, accountId, flow.scope);
    await deps.grants.save({
      grantId,
      clientId: flow.client_id,
      operatorId: op.id,
      apiRoot: op.apiRoot,
      scope: flow.scope,
      operatorAccessToken: tokens.accessToken,
      expiresAt: new Date(Date.now() + tokens.expiresIn * 1000),
    });
    logger.info('operator token obtained', { clientId: flow.client_id, operatorId: op.id });
    return interactions.signIn(flow.interaction_uid, grantId, {
      accountId,
      amr: tokens.amr,
      acr: tokens.acr,
      scope: flow.scope,
    });
  }
}
