import { X_CORRELATOR_HEADER, type CamaraApi } from '@switchboard/camara';
import type { ScenarioOutcome, ScenarioResult, TestSubscriber } from '@switchboard/contracts';
import type { Operator } from '@switchboard/telco-finder';
import { translateScope } from '../../authorize/flow/scope-translation.js';
import type { EgressFetch } from '../../infra/egress/operator-egress.js';
import {
  correlatorOf,
  describeAnswer,
  errorText,
  isObject,
  probe,
  scenario,
  type ProbeAnswer,
} from '../operator-probe.js';
import type { SubscriberTokens } from '../subscriber-tokens.js';
import { CHECK_CORRELATOR } from './negative-scenarios.js';
import { declaredOperations, sampleBody, type DeclaredOperation } from './api-operations.js';

/** The purpose of the check's authorizations (a provider-side purpose, docs/operator-conformance.md). */
export const CHECK_PURPOSE = 'dpv:RequestedServiceProvision';

interface Verdict {
  readonly outcome: ScenarioOutcome | boolean;
  readonly got: string;
}

/** One CAMARA test-definition success scenario of one operation. */
interface PositiveCase {
  readonly tag: string;
  readonly operation: string;
  readonly expected: string;
  readonly body?: (known: Known) => unknown;
  readonly judge: (a: ProbeAnswer, known: Known) => Verdict;
}

/** What earlier scenarios learnt: the subscriber's number (NV share, or the configured one). */
interface Known {
  phoneNumber: string | undefined;
}

const field = (a: ProbeAnswer, name: string) => (isObject(a.json) ? a.json[name] : undefined);
const ok200 = (a: ProbeAnswer) =>
  a.status === 200 && correlatorOf(a) === CHECK_CORRELATOR && isObject(a.json);
const answer = (a: ProbeAnswer, name: string) =>
  `${describeAnswer(a)}${a.status === 200 ? ` ${name}=${JSON.stringify(field(a, name))}` : ''}${correlatorOf(a) === CHECK_CORRELATOR ? '' : ', x-correlator not echoed'}`;

/** Another valid number than `n` (its last digit changed). */
const otherNumber = (n: string) => `${n.slice(0, -1)}${n.endsWith('1') ? '2' : '1'}`;

const NV_CASES: PositiveCase[] = [
  {
    // number-verification-phoneNumberShare.feature (with @phone_number_share_02 when the number is configured)
    tag: 'phone_number_share_01_generic_success_scenario',
    operation: 'device-phone-number',
    expected: '200, x-correlator echoed, devicePhoneNumber (= the test number when set)',
    judge: (a, known) => {
      const n = field(a, 'devicePhoneNumber');
      const same = known.phoneNumber === undefined || n === known.phoneNumber;
      if (typeof n === 'string' && same) known.phoneNumber = n;
      return {
        outcome: ok200(a) && typeof n === 'string' && same,
        got: answer(a, 'devicePhoneNumber'),
      };
    },
  },
  {
    // number-verification-phoneNumberVerify.feature
    tag: 'phone_number_verify.02_validate_phone_number_success_true',
    operation: 'verify',
    expected: '200 devicePhoneNumberVerified=true for its own number',
    body: (known) => ({ phoneNumber: known.phoneNumber }),
    judge: (a) => ({
      outcome: ok200(a) && field(a, 'devicePhoneNumberVerified') === true,
      got: answer(a, 'devicePhoneNumberVerified'),
    }),
  },
  {
    tag: 'phone_number_verify.03_validate_phone_number_success_false',
    operation: 'verify',
    expected: '200 devicePhoneNumberVerified=false for another number',
    body: (known) => ({ phoneNumber: otherNumber(known.phoneNumber ?? '+34600000000') }),
    judge: (a) => ({
      outcome: ok200(a) && field(a, 'devicePhoneNumberVerified') === false,
      got: answer(a, 'devicePhoneNumberVerified'),
    }),
  },
];

const SIM_SWAP_CASES: PositiveCase[] = [
  {
    // SimSwap code/Test_definitions/sim-swap-checkSimSwap.feature
    tag: 'check_sim_swap_1_generic_success_scenario',
    operation: 'check',
    expected: '200, x-correlator echoed, swapped boolean',
    judge: (a) => ({
      outcome: ok200(a) && typeof field(a, 'swapped') === 'boolean',
      got: answer(a, 'swapped'),
    }),
  },
  {
    // sim-swap-retrieveSimSwapDate.feature: latestSimChange is a date-time or null
    tag: 'retrieve_sim_swap_date_1_generic_success_scenario',
    operation: 'retrieve-date',
    expected: '200, x-correlator echoed, latestSimChange date-time or null',
    judge: (a) => {
      const v = field(a, 'latestSimChange');
      const valid = v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));
      return { outcome: ok200(a) && valid, got: answer(a, 'latestSimChange') };
    },
  },
];

const KYC_MATCH_CASES: PositiveCase[] = [
  {
    // KnowYourCustomer code/Test_definitions/kyc-match.feature. An operator that requires the
    // idDocument answers @KYC_Match_12 (403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED): the check
    // does not know the subscriber's document, so that is informational.
    tag: 'KYC_Match_1_success_request_response',
    operation: 'match',
    expected: "200, x-correlator echoed, givenNameMatch 'true'|'false'|'not_available'",
    judge: (a) => {
      if (a.status === 403 && field(a, 'code') === 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED')
        return { outcome: 'info', got: `${describeAnswer(a)} (the operator requires idDocument)` };
      const m = field(a, 'givenNameMatch');
      return {
        // KYC Match 0.3 `MatchResult`: a string enum, not a JSON boolean.
        outcome: ok200(a) && (m === 'true' || m === 'false' || m === 'not_available'),
        got: answer(a, 'givenNameMatch'),
      };
    },
  },
];

/** DeviceLocation location-verification.feature; a 422 of the spec for a device elsewhere is informational. */
const LOCATION_CODES = /^LOCATION_VERIFICATION\.|^SERVICE_NOT_APPLICABLE$/;
const LOCATION_CASES: PositiveCase[] = [
  {
    tag: 'location_verification_01_generic_success_scenario',
    operation: 'verify',
    expected: '200, x-correlator echoed, verificationResult TRUE|FALSE|PARTIAL|UNKNOWN',
    judge: (a) => {
      const code = field(a, 'code');
      if (a.status === 422 && typeof code === 'string' && LOCATION_CODES.test(code))
        return { outcome: 'info', got: describeAnswer(a) };
      const r = field(a, 'verificationResult');
      return {
        outcome: ok200(a) && ['TRUE', 'FALSE', 'PARTIAL', 'UNKNOWN'].includes(String(r)),
        got: answer(a, 'verificationResult'),
      };
    },
  },
];

const CASES: Record<string, PositiveCase[]> = {
  'number-verification': NV_CASES,
  'sim-swap': SIM_SWAP_CASES,
  'kyc-match': KYC_MATCH_CASES,
  'location-verification': LOCATION_CASES,
};

export interface PositiveDeps {
  readonly fetch: EgressFetch;
  readonly tokens: SubscriberTokens;
}

/**
 * The success scenarios of each declared API's CAMARA test definitions, each with its own
 * OperatorAccessToken for the test subscriber (NV tokens are single use).
 */
export async function positiveScenarios(
  op: Operator,
  subscriber: TestSubscriber | undefined,
  deps: PositiveDeps,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const byApi = new Map<CamaraApi, DeclaredOperation[]>();
  for (const d of declaredOperations(op)) byApi.set(d.api, [...(byApi.get(d.api) ?? []), d]);
  for (const [api, operations] of byApi) {
    const known: Known = { phoneNumber: subscriber?.phoneNumber ?? undefined };
    for (const c of CASES[api.name] ?? []) {
      const d = operations.find((o) => o.op.operation === c.operation);
      if (!d) continue;
      results.push(await runCase(op, subscriber, d, c, known, deps));
    }
  }
  return results;
}

async function runCase(
  op: Operator,
  subscriber: TestSubscriber | undefined,
  d: DeclaredOperation,
  c: PositiveCase,
  known: Known,
  deps: PositiveDeps,
): Promise<ScenarioResult> {
  const id = `${d.label} @${c.tag}`;
  const nv = d.api.name === 'number-verification';
  const scope = translateScope(`openid ${CHECK_PURPOSE} ${d.op.scope}`, op.scopeStyle);
  // NV needs network-based authentication (NV 2.1 403 USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK):
  // only the device flow gives it; the other APIs also take a CIBA token for the test number.
  const source = subscriber?.deviceIp
    ? () => deps.tokens.byDevice(op, subscriber.deviceIp!, scope)
    : subscriber?.phoneNumber && !nv
      ? () => deps.tokens.byCiba(op, subscriber.phoneNumber!, scope)
      : undefined;
  if (!source) {
    const needs = nv ? 'a test device address' : 'a test device address or phone number';
    return scenario(id, c.expected, `not run: the operator has no ${needs}`, 'info');
  }
  let token: string;
  try {
    token = await source();
  } catch (err) {
    return scenario(id, c.expected, `no token for the test subscriber: ${errorText(err)}`, false);
  }
  try {
    const body = c.body ? c.body(known) : sampleBody(d);
    const a = await probe(deps.fetch, d.url, {
      method: d.op.method,
      headers: { authorization: `Bearer ${token}`, [X_CORRELATOR_HEADER]: CHECK_CORRELATOR },
      body,
    });
    const v = c.judge(a, known);
    return scenario(id, c.expected, v.got, v.outcome);
  } catch (err) {
    return scenario(id, c.expected, errorText(err), false);
  }
}
