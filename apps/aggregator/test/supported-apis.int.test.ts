import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// An operator's supportedApis is enforced: an API it does not offer is never called
// (CAMARA Commonalities 422 SERVICE_NOT_APPLICABLE), and an app cannot obtain its scopes for a
// subscriber of that operator (invalid_scope). Without a declared list, an operator offers
// Number Verification, every version.
const ADMIN = { kind: 'admin', id: 'test' } as const;
const V2_VERIFY = 'openid dpv:FraudPreventionAndDetection number-verification:verify';
let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(() => s.stop());

async function declare(supportedApis: Array<{ name: string; versions: string[] }>) {
  await s.agg.operators.update('sandbox-a', { supportedApis }, ADMIN);
  await s.agg.index.refresh();
}

async function verify(token: string, msisdn: string) {
  const res = await fetch(`${s.agg.publicUrl}/number-verification/v2/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber: msisdn }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("an operator's supportedApis", () => {
  it('an API version the operator does not offer: 422 SERVICE_NOT_APPLICABLE without calling it; offered again, the same token works', async () => {
    const { req, params } = await s.authorize('127.10.9.1', s.secretApp, { scope: V2_VERIFY });
    const token = String(
      (await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier)).body.access_token,
    );
    await declare([{ name: 'number-verification', versions: ['v0'] }]);
    try {
      expect(await verify(token, '+346001009001')).toEqual({
        status: 422,
        json: {
          status: 422,
          code: 'SERVICE_NOT_APPLICABLE',
          message:
            "The number-verification API (v2) is not available for this subscriber's network.",
        },
      });
    } finally {
      await declare([]);
    }
    expect(await verify(token, '+346001009001')).toEqual({
      status: 200,
      json: { devicePhoneNumberVerified: true },
    });
  });

  it("an app asking for a scope the subscriber's operator does not offer gets invalid_scope, naming the scope, not the operator", async () => {
    await declare([{ name: 'number-verification', versions: ['v0'] }]);
    try {
      const { params } = await s.authorize('127.10.9.2', s.secretApp, { scope: V2_VERIFY });
      expect(params?.get('error')).toBe('invalid_scope');
      const description = params?.get('error_description') ?? '';
      expect(description).toBe(
        "not available on the subscriber's mobile network: number-verification:verify",
      );
      expect(description).not.toMatch(/sandbox/i);
      expect(params?.get('code')).toBeNull();
    } finally {
      await declare([]);
    }
  });
});
