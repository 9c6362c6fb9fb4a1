import { describe, expect, it } from '@jest/globals';
import { hashPhoneNumber, type CamaraError } from '@switchboard/camara';
import { silentLogger } from '../logger.js';
import type { AccessTokenInfo } from './access-token-reader.js';
import { createNumberVerificationService } from './number-verification-service.js';

const NOW = 1_800_000_000;
const token = (over: Partial<AccessTokenInfo> = {}): AccessTokenInfo => ({
  jti: 't1',
  clientId: 'switchboard',
  accountId: 'sub-1',
  scope:
    'dpv:FraudPreventionAndDetection number-verification:verify number-verification:device-phone-number:read',
  amr: ['nbma'],
  expiresAt: NOW + 300,
  ...over,
});

function service(info: AccessTokenInfo | undefined, singleUse = true) {
  const revoked: string[] = [];
  const nv = createNumberVerificationService({
    tokens: {
      read: async (v) => (v === 'good' ? info : undefined),
      revoke: async (jti) => void revoked.push(jti),
    },
    subscribers: { msisdnFor: (id) => (id === 'sub-1' ? '+34600000001' : undefined) },
    singleUse,
    clock: { now: () => NOW * 1000 },
    logger: silentLogger,
  });
  return { nv, revoked };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as CamaraError).code;
  }
}

describe('number verification service', () => {
  const call = { version: 'v2', accessToken: 'good' } as const;

  it('verifies plain and hashed numbers and shares the device number', async () => {
    expect(await service(token()).nv.verify(call, () => ({ phoneNumber: '+34600000001' }))).toEqual(
      { devicePhoneNumberVerified: true },
    );
    expect(
      await service(token()).nv.verify(call, () => ({
        hashedPhoneNumber: hashPhoneNumber('+34600000002'),
      })),
    ).toEqual({
      devicePhoneNumberVerified: false,
    });
    expect(await service(token()).nv.devicePhoneNumber(call)).toEqual({
      devicePhoneNumber: '+34600000001',
    });
  });

  it('checks authentication, then scope, then network authentication, then the body', async () => {
    const body = () => ({ phoneNumber: '+34600000001' });
    expect(
      await codeOf(service(token()).nv.verify({ ...call, accessToken: undefined }, body)),
    ).toBe('UNAUTHENTICATED');
    expect(await codeOf(service(token({ expiresAt: NOW })).nv.verify(call, body))).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      await codeOf(
        service(token({ scope: 'number-verification:device-phone-number:read' })).nv.verify(
          call,
          () => ({}),
        ),
      ),
    ).toBe('PERMISSION_DENIED');
    expect(await codeOf(service(token({ amr: ['pwd'] })).nv.verify(call, body))).toBe(
      'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
    );
    expect(await codeOf(service(token({ accountId: undefined })).nv.devicePhoneNumber(call))).toBe(
      'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
    );
    expect(await codeOf(service(token()).nv.verify(call, () => undefined))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('spends a token once, only when the call is served, when single use is on', async () => {
    const { nv, revoked } = service(token());
    expect(await codeOf(nv.verify(call, () => ({})))).toBe('INVALID_ARGUMENT');
    expect(revoked).toEqual([]);
    await nv.verify(call, () => ({ phoneNumber: '+34600000001' }));
    expect(revoked).toEqual(['t1']);
    expect(await codeOf(nv.devicePhoneNumber(call))).toBe('UNAUTHENTICATED');
    const reusable = service(token(), false);
    await reusable.nv.devicePhoneNumber(call);
    expect(await codeOf(reusable.nv.devicePhoneNumber(call))).toBe('ok');
    expect(reusable.revoked).toEqual([]);
  });
});
