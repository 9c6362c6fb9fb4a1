import { X_CORRELATOR_HEADER, X_CORRELATOR_PATTERN } from '@switchboard/camara';
import type { ScenarioResult } from '@switchboard/contracts';
import type { EgressFetch } from '../../infra/egress/operator-egress.js';
import {
  correlatorOf,
  describeAnswer,
  errorBodyDefect,
  errorText,
  isObject,
  probe,
  scenario,
  type ProbeAnswer,
} from '../operator-probe.js';
import { sampleBody, type DeclaredOperation } from './api-operations.js';

/** A correlator using the pattern's special characters (Commonalities `XCorrelator`). */
export const CHECK_CORRELATOR = 'sb-check:0;a.b/c<d>{e}_f';
const UNAUTHENTICATED = '401 UNAUTHENTICATED {status, code, message}';

/**
 * The scenarios that need no subscriber, for one operation: CAMARA test definitions
 * `@…_401.1_no_authorization_header` and `@…_401.3_invalid_access_token` (e.g.
 * NumberVerification `code/Test_definitions/number-verification-phoneNumberVerify.feature`),
 * the error body of Commonalities `CAMARA_common.yaml` `ErrorInfo`, and the `x-correlator`
 * header (Commonalities `CAMARA-API-Design-Guide.md`, "Correlation ID"): echoed unchanged,
 * and any the operator makes itself matches the pattern.
 */
export async function negativeScenarios(
  d: DeclaredOperation,
  fetch: EgressFetch,
): Promise<ScenarioResult[]> {
  const call = (headers: Record<string, string>) =>
    probe(fetch, d.url, { method: d.op.method, headers, body: sampleBody(d) });
  const results: ScenarioResult[] = [];
  let noToken: ProbeAnswer | undefined;
  for (const [tag, headers] of [
    ['401.1_no_authorization_header', {}],
    ['401.3_invalid_access_token', { authorization: 'Bearer sb-check-not-a-token' }],
  ] as const) {
    const id = `${d.label} @${tag}`;
    try {
      const a = await call({ ...headers, [X_CORRELATOR_HEADER]: CHECK_CORRELATOR });
      if (!noToken) noToken = a;
      results.push(unauthenticated(id, a));
    } catch (err) {
      results.push(scenario(id, UNAUTHENTICATED, errorText(err), false));
    }
  }
  const echoed = noToken ? correlatorOf(noToken) : null;
  results.push(
    scenario(
      `${d.label} x-correlator echo`,
      CHECK_CORRELATOR,
      noToken ? (echoed ?? 'no x-correlator header') : 'no answer',
      echoed === CHECK_CORRELATOR,
    ),
  );
  results.push(await ownCorrelator(d, call));
  return results;
}

function unauthenticated(id: string, a: ProbeAnswer): ScenarioResult {
  const defect = errorBodyDefect(a);
  const code = isObject(a.json) ? a.json.code : undefined;
  const ok = a.status === 401 && code === 'UNAUTHENTICATED' && !defect;
  const got = `${describeAnswer(a)}${defect && a.status === 401 ? `: ${defect}` : ''}`;
  return scenario(id, UNAUTHENTICATED, got, ok);
}

/** No x-correlator sent: one the operator adds must still match the pattern. */
async function ownCorrelator(
  d: DeclaredOperation,
  call: (headers: Record<string, string>) => Promise<ProbeAnswer>,
): Promise<ScenarioResult> {
  const id = `${d.label} x-correlator pattern`;
  const expected = 'none, or one matching the XCorrelator pattern';
  try {
    const value = correlatorOf(await call({}));
    return scenario(
      id,
      expected,
      value === null ? 'none' : value,
      value === null || X_CORRELATOR_PATTERN.test(value),
    );
  } catch (err) {
    return scenario(id, expected, errorText(err), false);
  }
}
