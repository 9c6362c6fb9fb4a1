import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { offersScope } from '@switchboard/camara';
import type { Operator, TelcoFinder, Logger } from '@switchboard/telco-finder';
import type { AuthorizationGateway, PendingAuthorization } from '../oidc/interaction-gateway.js';
import type { OperatorGrants } from '../operator-grants.js';
import { pairwiseSubject } from '../pairwise-subject.js';
import type { OperatorFlowRow } from '../store/operator-flow-store.js';
import {
  NO_OBSERVER,
  type VerificationObserver,
} from '../../verifications/verification-observer.js';
import { OperatorAuthMethodRefused, type OperatorClient } from './operator-client.js';
import {
  appErrorFor,
  FLOW_ERRORS,
  isTimeout,
  operatorText,
  scopesNotOffered,
  type AppError,
} from './operator-errors.js';
import { translateScope } from './scope-translation.js';

export interface OperatorFlowStore {
  /** Records the interaction's pending operator round-trip, replacing any earlier one. */
  save(row: OperatorFlowRow): Promise<void>;
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
  /** Each step to verification_steps and the trace; the interaction uid is the verification id. */
  readonly observer?: VerificationObserver;
}

/** Where to send the browser next; `undefined` when the app's request has expired. */
export type Next = string | undefined;

/**
 * What the browser sent to the operator must bring back to the callback (RFC 6749 §10.12,
 * RFC 9700 §4.7): a random value only that browser holds; the flow stores its SHA-256.
 */
export interface BrowserBinding {
  readonly interactionUid: string;
  readonly value: string;
  readonly maxAgeSeconds: number;
}

/** The next hop and, when it is the operator, the binding the browser must keep. */
export interface Started {
  readonly url: Next;
  readonly binding: BrowserBinding | undefined;
}

/** The binding value the calling browser holds for an interaction, if any. */
export type PresentedBinding = (interactionUid: string) => string | undefined;

export type CallbackOutcome =
  | { kind: 'redirect'; url: Next; interactionUid: string }
  | { kind: 'other-browser'; interactionUid: string }
  | { kind: 'unknown-state' };

export interface NestedFlow {
  /** Annex steps 3–6: find the device's operator and send the browser there. */
  start(pending: PendingAuthorization, deviceIp: string | undefined): Promise<Started>;
  /** Annex steps 13–17: the operator's answer, in the browser that started it, then back to the app. */
  complete(callbackUrl: URL, presented: PresentedBinding): Promise<CallbackOutcome>;
}

const UNIDENTIFIED =
  'the mobile network of the device could not be identified: it may be on Wi-Fi, or its operator is not supported';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

// node:crypto rather than openid-client's WebCrypto helpers: the same values (RFC 7636 §4.1–4.2:
// 32 random octets, base64url; S256 = BASE64URL(SHA-256(verifier))) without a WebCrypto job
// each, which the nested-flow profile showed as the aggregator's costliest crypto step.
const random32 = () => randomBytes(32).toString('base64url');
const pkceChallenge = (verifier: string) =>
  createHash('sha256').update(verifier).digest('base64url');

export function createNestedFlow(deps: NestedFlowDeps): NestedFlow {
  const { interactions, logger } = deps;
  const fail = (uid: string, e: AppError) => interactions.fail(uid, e.error, e.description);
  const observer = deps.observer ?? NO_OBSERVER;
  const failed = (e: AppError) => ({ code: e.error, description: e.description });

  const nested: NestedFlow = {
    async start(pending, deviceIp) {
      const startedAt = Date.now();
      const observed = { verificationId: pending.uid, clientId: pending.clientId, startedAt };
      const match = deviceIp ? deps.finder.lookupIp(deviceIp) : undefined;
      if (!match || match.operator.status !== 'active') {
        logger.info('no operator for device', { clientId: pending.clientId });
        const error = { code: 'access_denied', description: 'no operator for the device' };
        observer.step({ ...observed, step: 'telco_finder', error });
        const url = await interactions.fail(pending.uid, 'access_denied', UNIDENTIFIED);
        return { url, binding: undefined };
      }
      const op = match.operator;
      observer.step({ ...observed, step: 'telco_finder', operatorId: op.id });
      const redirect = {
        ...observed,
        startedAt: Date.now(),
        step: 'operator_redirect',
        operatorId: op.id,
      } as const;
      const unavailable = pending.scope.split(' ').filter((s) => !offersScope(op.supportedApis, s));
      if (unavailable.length) {
        logger.info('scope not offered by the operator', {
          clientId: pending.clientId,
          operatorId: op.id,
          scopes: unavailable.join(' '),
        });
        const failure = scopesNotOffered(unavailable);
        observer.step({ ...redirect, error: failed(failure) });
        return { url: await fail(pending.uid, failure), binding: undefined };
      }
      const { flow, binding } = newOperatorFlow(pending, op.id, deps.flowTtlSeconds);
      let url: URL;
      try {
        url = await deps.operatorClient.authorizationUrl(op, {
          state: flow.state,
          nonce: flow.nonce,
          codeChallenge: pkceChallenge(flow.code_verifier),
          scope: translateScope(pending.scope, op.scopeStyle),
          promptNone: pending.promptNone,
        });
      } catch (err) {
        logger.warn('operator discovery failed', { operatorId: op.id, error: String(err) });
        const failure =
          err instanceof OperatorAuthMethodRefused
            ? FLOW_ERRORS.operatorAuthMethod
            : FLOW_ERRORS.unreachable;
        observer.step({ ...redirect, error: failed(failure) });
        return { url: await fail(pending.uid, failure), binding: undefined };
      }
      await deps.flows.save(flow);
      observer.step(redirect);
      logger.info('sent device to operator', { clientId: pending.clientId, operatorId: op.id });
      return { url: url.href, binding };
    },

    async complete(callbackUrl, presented) {
      const startedAt = Date.now();
      const state = callbackUrl.searchParams.get('state');
      // Taken (spent) first: a callback in the wrong browser must not leave the flow usable.
      const flow = state ? await deps.flows.take(state) : undefined;
      if (!flow) return { kind: 'unknown-state' };
      const interactionUid = flow.interaction_uid;
      const callback = {
        verificationId: interactionUid,
        clientId: flow.client_id,
        operatorId: flow.operator_id,
        startedAt,
        step: 'operator_callback',
      } as const;
      if (!boundTo(flow, presented(interactionUid))) {
        // RFC 6749 §10.12: another browser brought the operator's answer (a victim's phone
        // lured to the attacker's operator URL). The code is not exchanged, and the starting
        // browser's request ends in access_denied.
        logger.warn('operator callback in another browser', {
          clientId: flow.client_id,
          operatorId: flow.operator_id,
        });
        observer.step({ ...callback, error: failed(FLOW_ERRORS.otherBrowser) });
        await fail(interactionUid, FLOW_ERRORS.otherBrowser);
        return { kind: 'other-browser', interactionUid };
      }
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
        const failure = appErrorFor(error, said);
        observer.step({ ...callback, error: failed(failure) });
        const url = await fail(interactionUid, failure);
        return { kind: 'redirect', url, interactionUid };
      }
      observer.step(callback);
      const url = await observer.within(interactionUid, () => exchange(op, flow, callbackUrl));
      return { kind: 'redirect', url, interactionUid };
    },
  };
  return {
    // The operator requests made for a verification carry its trace (`traceparent`).
    start: (pending, deviceIp) =>
      observer.within(pending.uid, () => nested.start(pending, deviceIp)),
    complete: (callbackUrl, presented) => nested.complete(callbackUrl, presented),
  };

  async function exchange(op: Operator, flow: OperatorFlowRow, callbackUrl: URL): Promise<Next> {
    const step = {
      verificationId: flow.interaction_uid,
      clientId: flow.client_id,
      operatorId: op.id,
      startedAt: Date.now(),
      step: 'operator_token',
    } as const;
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
      observer.step({ ...step, error: failed(failure) });
      return fail(flow.interaction_uid, failure);
    }
    // ICM: `sub` is a pairwise pseudonym per app, never the MSISDN nor the operator's sub.
    const accountId = pairwiseSubject(deps.pairwiseSecret, flow.client_id, op.id, tokens.sub);
    // Named after the verification: /token puts it in the token's `vid` claim.
    const grant = await interactions.draftGrant(
      flow.client_id,
      accountId,
      flow.scope,
      flow.interaction_uid,
    );
    const operatorGrant = deps.grants.seal({
      grantId: grant.id,
      clientId: flow.client_id,
      operatorId: op.id,
      apiRoot: op.apiRoot,
      scope: flow.scope,
      operatorAccessToken: tokens.accessToken,
      expiresAt: new Date(Date.now() + tokens.expiresIn * 1000),
    });
    observer.step(step);
    logger.info('operator token obtained', { clientId: flow.client_id, operatorId: op.id });
    // One write: the grant, the operator token under its id, and the app's result.
    return interactions.signIn(flow.interaction_uid, grant, operatorGrant, {
      accountId,
      amr: tokens.amr,
      acr: tokens.acr,
      scope: flow.scope,
    });
  }
}

/** A fresh round-trip: our own state, nonce and PKCE, and the browser's binding value. */
function newOperatorFlow(
  pending: PendingAuthorization,
  operatorId: string,
  ttlSeconds: number,
): { flow: OperatorFlowRow; binding: BrowserBinding } {
  const value = randomBytes(32).toString('base64url');
  const flow: OperatorFlowRow = {
    state: random32(),
    interaction_uid: pending.uid,
    client_id: pending.clientId,
    operator_id: operatorId,
    code_verifier: random32(),
    nonce: random32(),
    scope: pending.scope,
    binding_hash: sha256(value),
    expires_at: new Date(Date.now() + ttlSeconds * 1000),
  };
  return { flow, binding: { interactionUid: pending.uid, value, maxAgeSeconds: ttlSeconds } };
}

/** Constant-time comparison of the presented binding's hash with the stored one. */
function boundTo(flow: OperatorFlowRow, presented: string | undefined): boolean {
  if (!presented) return false;
  const stored = Buffer.from(flow.binding_hash);
  const given = sha256(presented);
  return stored.length === given.length && timingSafeEqual(stored, given);
}
