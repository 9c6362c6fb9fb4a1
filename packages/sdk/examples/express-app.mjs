// The SDK README's first example, as a file that runs: an express app that checks, silently
// through the mobile network, that the number a user typed is the number of their device.
//
// Against `npm start`'s aggregator, with an app registered by
//   npx switchboard clients add --name "Example" --redirect-uri http://127.0.0.1:8080/callback --generate-key
// (save the printed private JWK as key.json):
//   SWITCHBOARD_ISSUER=http://127.0.0.1:3000 SWITCHBOARD_ALLOW_HTTP=true \
//   SWITCHBOARD_CLIENT_ID=sb-… SWITCHBOARD_KEY_FILE=key.json \
//   REDIRECT_URI=http://127.0.0.1:8080/callback SESSION_SECRET=change-me node express-app.mjs
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import express from 'express';
import session from 'express-session';
import {
  ConsentRequiredError,
  NetworkNotIdentifiedError,
  SwitchboardError,
  createSwitchboardClient,
} from '@switchboard/sdk';

/**
 * @param {{ issuer: string, clientId: string, privateKey: object | string, redirectUri: string,
 *   allowInsecureRequests?: boolean, sessionSecret: string }} config
 */
export function createExampleApp(config) {
  const switchboard = createSwitchboardClient({
    issuer: config.issuer,
    clientId: config.clientId,
    privateKey: config.privateKey, // private JWK or PKCS#8 PEM (private_key_jwt); or clientSecret
    redirectUri: config.redirectUri,
    // Only for an http:// issuer such as the local demo stack; never in production.
    allowInsecureRequests: config.allowInsecureRequests === true,
  });

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  // A server-side session: `saved` (PKCE verifier, nonce, state) must not reach the browser.
  // The memory store is for one process; use a shared store (Redis, a database) in production.
  app.use(
    session({
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      // Lax: the callback is a top-level navigation from Switchboard, which Lax cookies follow.
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.redirectUri.startsWith('https:') },
    }),
  );

  app.get('/', (_req, res) => {
    res.send(
      '<form method="post" action="/verify"><input name="phoneNumber" placeholder="+34600000001"> <button>Verify</button></form>',
    );
  });

  // 1. Start: remember `saved` in the user's session, send the browser away.
  app.post('/verify', async (req, res) => {
    const phoneNumber = String(req.body.phoneNumber ?? ''); // E.164 with '+', e.g. +34600000001
    const { url, saved } = await switchboard.startVerification({
      purpose: 'dpv:FraudPreventionAndDetection', // exactly one purpose
      phoneNumber, // sent as login_hint=tel:+…
      prompt: 'none', // silent; see ConsentRequiredError below
    });
    req.session.verification = { saved, phoneNumber };
    res.redirect(303, url); // discovery's authorization_endpoint, with PKCE, state and nonce
  });

  // 2. Callback: complete the flow, then ask the one question.
  app.get('/callback', async (req, res) => {
    const pending = req.session.verification;
    delete req.session.verification; // one use
    if (!pending) return res.status(400).send('No verification in progress: start again.');
    try {
      const result = await switchboard.completeVerification(req.originalUrl, pending.saved);
      const verified = await switchboard.verify(result, pending.phoneNumber);
      res.send(verified ? 'Verified' : 'Not this device’s number');
    } catch (err) {
      if (err instanceof NetworkNotIdentifiedError) {
        return res.send('Turn off Wi-Fi and use mobile data, or use another method.');
      }
      if (err instanceof ConsentRequiredError) {
        return res.send('Your operator needs your permission: start again without prompt=none.');
      }
      if (err instanceof SwitchboardError) {
        return res.status(502).send(`Could not verify (${err.code}, ref ${err.correlator ?? '-'})`);
      }
      throw err;
    }
  });

  // Anything thrown above, e.g. INVALID_PHONE_NUMBER from startVerification.
  app.use((err, _req, res, _next) => {
    const code = err instanceof SwitchboardError ? err.code : 'INTERNAL';
    res.status(err instanceof SwitchboardError ? 400 : 500).send(`Could not verify (${code})`);
  });
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
    sessionSecret: env.SESSION_SECRET,
  }).listen(port, '127.0.0.1', () => console.log(`example app on http://127.0.0.1:${port}`));
}
