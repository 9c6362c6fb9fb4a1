import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// The stack module alone: the package's test-support index also holds Jest-only helpers, and
// `npm run check:sdk-package` runs this outside Jest.
import { startCoreStack, type CoreStack } from '@switchboard/aggregator/test-support/core-stack';

/** The number sandbox-a's network gives device address 127.10.<x>.<y> (config/sandbox.json). */
const numberOf = (address: string) => {
  const [, , x, y] = address.split('.');
  return `+346001${x!.padStart(3, '0')}${y!.padStart(3, '0')}`;
};

interface ExampleModule {
  createExampleApp(config: {
    issuer: string;
    clientId: string;
    privateKey: object;
    redirectUri: string;
    allowInsecureRequests: boolean;
    sessionSecret: string;
  }): http.RequestListener;
}

/**
 * Runs one of the SDK's examples (`packages/sdk/examples/*.mjs`, or a copy in an app that
 * installed the packed SDK) against a real stack: an aggregator, the sandbox operators and an
 * app registered for the example's own callback. A device on sandbox-a's network posts its own
 * number (the example must answer "Verified") and another number (it must not). Given a running
 * `stack`, the example runs against it and leaves it running; otherwise it starts and stops its own.
 */
export async function checkExample(
  moduleUrl: string,
  startPath: string,
  shared?: CoreStack,
): Promise<void> {
  const stack = shared ?? (await startCoreStack());
  const server = http.createServer();
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const redirectUri = `${origin}/callback`;
    const created = await stack.agg.clients.add({
      name: `SDK example ${moduleUrl.slice(moduleUrl.lastIndexOf('/') + 1)}`,
      redirectUris: [redirectUri],
      authMethod: 'private_key_jwt',
      generateKey: true,
    });
    const example = (await import(moduleUrl)) as ExampleModule;
    server.on(
      'request',
      example.createExampleApp({
        issuer: stack.agg.issuer,
        clientId: created.client.id,
        privateKey: created.privateJwk!,
        redirectUri,
        allowInsecureRequests: true,
        sessionSecret: 'example-session-secret-for-the-test',
      }),
    );
    for (const [address, typed, expected] of [
      ['127.10.71.5', numberOf('127.10.71.5'), /^Verified$/],
      ['127.10.71.6', numberOf('127.10.71.7'), /^Not (this device’s number|verified)$/],
    ] as const) {
      const device = stack.device(address);
      assert.equal((await device.get(`${origin}/`)).status, 200);
      const started = await device.postForm(`${origin}${startPath}`, { phoneNumber: typed });
      assert.equal(
        started.status,
        303,
        `the example's start answered ${started.status}: ${started.text}`,
      );
      assert.ok(started.location?.startsWith(`${stack.agg.issuer}/auth?`), started.location);
      const { page } = await device.follow(started.location!, 'never:');
      assert.equal(page.status, 200, page.text);
      assert.match(page.text, expected);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    if (!shared) await stack.stop();
  }
}
