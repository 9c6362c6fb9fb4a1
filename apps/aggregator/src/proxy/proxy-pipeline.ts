import { X_CORRELATOR_HEADER } from '@switchboard/camara';
import { toProblem } from '../infra/errors/problem.js';
import { problemBody } from '../infra/http/problem-responses.js';
import type {
  ProxyContext,
  ProxyDeps,
  ProxyRequest,
  ProxyResponse,
  ProxyStep,
} from './proxy-context.js';
import { buildResponse } from './steps/build-response.js';
import { buildUpstreamRequest } from './steps/build-upstream-request.js';
import { checkCorrelator } from './steps/check-correlator.js';
import { checkOperatorOffers } from './steps/check-operator-offers.js';
import { checkRequestBody } from './steps/check-request-body.js';
import { checkScope } from './steps/check-scope.js';
import { limitClient, limitSource } from './steps/check-rate-limit.js';
import { forwardUpstream } from './steps/forward-upstream.js';
import { giveBackToken } from './steps/give-back-token.js';
import { matchOperation } from './steps/match-operation.js';
import { parseBearer } from './steps/parse-bearer.js';
import { readJsonBody } from './steps/read-json-body.js';
import { resolveRoute } from './steps/resolve-route.js';
import { spendToken } from './steps/spend-token.js';
import { verifyToken } from './steps/verify-token.js';

/**
 * Every proxied CAMARA call passes these steps in order (seed Annex steps 24–30); the
 * first to throw a CamaraError decides the answer. Read top to bottom, this is the proxy.
 * A single-use token is spent only once every check of ours has passed, and given back
 * when the operator gives no answer: only the operator's own answer uses it up.
 */
export const PROXY_STEPS: readonly ProxyStep[] = [
  checkCorrelator, //      x-correlator valid, or a new one       → 400
  limitSource, //          per-address rate limit (no I/O)        → 429
  matchOperation, //       configured API / version / operation   → 404, 405
  parseBearer, //          Authorization: Bearer <token>          → 401
  verifyToken, //          decrypt + validate (injected)          → 401
  limitClient, //          per-client rate limit (no I/O)         → 429
  checkScope, //           scope for this operation               → 403
  readJsonBody, //         size limit, well-formed JSON           → 400
  checkRequestBody, //     the operation's schema, when known     → 400, 415
  resolveRoute, //         registered api root from the token     → 401
  checkOperatorOffers, //  the operator offers this API version   → 422
  buildUpstreamRequest, // allow-listed headers + operator token
  spendToken, //           jti not seen before (when configured)  → 401
  forwardUpstream, //      pool + circuit breaker (no answer kept)
  giveBackToken, //        no answer: the token's use is returned
  buildResponse, //        operator status, body, allowed headers → 502, 503, 504
];

export interface ProxyPipeline {
  /** Never rejects: every failure becomes a CAMARA error response. */
  handle(request: ProxyRequest): Promise<ProxyResponse>;
}

function errorResponse(err: unknown, correlator: string): ProxyResponse {
  const problem = toProblem(err);
  // Copied key by key, not spread (see sendProxyResponse): refusals are a hot path too.
  const headers: Record<string, string> = {};
  for (const name in problem.headers) headers[name] = problem.headers[name]!;
  headers['content-type'] = 'application/json';
  if (correlator !== '') headers[X_CORRELATOR_HEADER] = correlator;
  return {
    status: problem.status,
    headers,
    body: Buffer.from(JSON.stringify(problemBody(problem, 'camara'))),
  };
}

/**
 * Runs `steps` from `from` on; synchronous until a step returns a promise, and only then
 * chained on it: most steps are synchronous, and an async loop would pay a promise and a
 * microtask hop for each of them.
 */
function runSteps(
  ctx: ProxyContext,
  steps: readonly ProxyStep[],
  from: number,
): Promise<void> | undefined {
  for (let i = from; i < steps.length; i++) {
    const pending = steps[i]!(ctx);
    if (pending) return pending.then(() => runSteps(ctx, steps, i + 1));
  }
  return undefined;
}

function answer(ctx: ProxyContext): ProxyResponse {
  if (!ctx.response) throw new Error('proxy pipeline ended without a response');
  return ctx.response;
}

export function createProxyPipeline(deps: ProxyDeps, steps = PROXY_STEPS): ProxyPipeline {
  const now = deps.clock ?? Date.now;

  /** The answer of a finished run (or its failure), reported through `onComplete`. */
  function complete(
    ctx: ProxyContext,
    startedAt: number,
    failure?: { err: unknown },
  ): ProxyResponse {
    let response: ProxyResponse;
    try {
      if (failure) throw failure.err;
      response = answer(ctx);
    } catch (err) {
      response = errorResponse(err, ctx.correlator);
    }
    deps.onComplete?.({
      correlator: ctx.correlator,
      status: response.status,
      startedAt,
      latencyMs: now() - startedAt,
      operation: ctx.operation,
      clientId: ctx.claims?.clientId,
      operatorId: ctx.claims?.operatorId,
      upstreamFailure: ctx.upstreamFailure,
      method: ctx.request.method,
      verificationId: ctx.claims?.verificationId,
      tokenJti: ctx.claims?.jti,
      traceSpanId: ctx.traceSpanId,
    });
    return response;
  }

  return {
    // No async function: the steps' own promise (when one is) is the only one chained on,
    // each extra async frame costing a promise and a microtask hop per call.
    handle(request) {
      const startedAt = now();
      // An invalid x-correlator is not echoed back (it may be anything); '' until checked.
      const ctx: ProxyContext = { request, deps, now, correlator: '' };
      try {
        let pending: Promise<void> | undefined;
        try {
          pending = runSteps(ctx, steps, 0);
        } catch (err) {
          return Promise.resolve(complete(ctx, startedAt, { err }));
        }
        if (!pending) return Promise.resolve(complete(ctx, startedAt));
        return pending.then(
          () => complete(ctx, startedAt),
          (err: unknown) => complete(ctx, startedAt, { err }),
        );
      } catch (err) {
        // onComplete threw (a bug): reported as a rejection, as an async function would.
        return Promise.reject(err as Error);
      }
    },
  };
}
