import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSwitchboardClient, type SwitchboardClient } from '@switchboard/sdk';
import { startCoreStack, type CoreStack } from '@switchboard/aggregator/test-support/core-stack';
import { APP_CALLBACK, FRAUD } from '@switchboard/aggregator/test-support/core-fixture';

// CAMARA ICM r4.2 "Signed Authentication Requests": the SDK's signed request object against a
// real aggregator, for an app an admin requires to sign (issue 15, point 2).
let stack: CoreStack;
let app: SwitchboardClient;
beforeAll(async () => {
  stack = await startCoreStack();
  const created = await stack.agg.clients.add({
    name: 'Signing SDK app',
    redirectUris: [APP_CALLBACK],
    authMethod: 'private_key_jwt',
    generateKey: true,
    requireSignedRequestObject: true,
  });
  app = createSwitchboardClient({
    issuer: stack.agg.issuer,
    clientId: created.client.id,
    privateKey: created.privateJwk!,
    redirectUri: APP_CALLBACK,
    allowInsecureRequests: true,
  });
}, 60_000);
afterAll(() => stack.stop());

describe('ICM signed request objects (issue 15, point 2): the SDK signs for an app that must', () => {
  it('startVerification({ signedRequest: true }) completes the nested flow and the verification', async () => {
    const started = await app.startVerification({
      purpose: FRAUD,
      prompt: 'none',
      signedRequest: true,
    });
    const { redirect } = await stack.device('127.10.9.1').follow(started.url, APP_CALLBACK);
    expect(redirect?.searchParams.get('error')).toBeNull();
    const session = await app.completeVerification(redirect!.href, started.saved);
    await expect(app.verify(session, '+346001009001')).resolves.toBe(true);
  });

  it('without signedRequest the same app is refused with invalid_request', async () => {
    const started = await app.startVerification({ purpose: FRAUD, prompt: 'none' });
    const { redirect } = await stack.device('127.10.9.2').follow(started.url, APP_CALLBACK);
    expect(redirect?.searchParams.get('error')).toBe('invalid_request');
    expect(redirect?.searchParams.get('error_description')).toMatch(/Request Object must be used/);
  });
});
