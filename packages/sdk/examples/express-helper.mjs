// The SDK README's second example, as a file that runs: the same app with the express helper
// `@switchboard/sdk/express`, which mounts both routes and verifies the typed number.
// Run it like express-app.mjs (same environment variables).
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { createSwitchboardClient } from '@switchboard/sdk';
import { createMemoryVerificationStore, createVerificationRoutes } from '@switchboard/sdk/express';

/**
 * @param {{ issuer: string, clientId: string, privateKey: object | string, redirectUri: string,
 *   allowInsecureRequests?: boolean }} config
 */
export function createExampleApp(config) {
  const switchboard = createSwitchboardClient({
    issuer: config.issuer,
    clientId: config.clientId,
    privateKey: config.privateKey,
    redirectUri: config.redirectUri,
    allowInsecureRequests: config.allowInsecureRequests === true, // http:// issuers: development only
  });

  const app = express();
  app.get('/', (_req, res) => {
    res.send(
      '<form method="post" action="/verification/start"><input name="phoneNumber"> <button>Verify</button></form>',
    );
  });
  // Put your CSRF protection in front of it.
  app.use(
    createVerificationRoutes({
      client: switchboard,
      purpose: 'dpv:FraudPreventionAndDetection',
      callbackPath: new URL(config.redirectUri).pathname, // '/callback'
      // The default store keeps pending verifications in memory (one process), keyed by a cookie
      // that is Secure unless told otherwise: plain http:// needs secureCookie: false.
      store: createMemoryVerificationStore({
        secureCookie: config.redirectUri.startsWith('https:'),
      }),
      onComplete(outcome, _req, res) {
        if (outcome.ok) res.send(outcome.verified ? 'Verified' : 'Not verified');
        else res.send(`Failed: ${outcome.error.code}`);
      },
    }),
  );
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const port = Number(env.PORT ?? 8080);
  createExampleApp({
    issuer: env.SWITCHBOARD_ISSUER,
    clientId: env.SWITCHBOARD_CLIENT_ID,
    privateKey: JSON.parse(fs.readFileSync(env.SWITCHBOARD_KEY_FILE, 'utf8')),
    redirectUri: env.REDIRECT_URI,
    allowInsecureRequests: env.SWITCHBOARD_ALLOW_HTTP === 'true',
  }).listen(port, '127.0.0.1', () => console.log(`example app on http://127.0.0.1:${port}`));
}
