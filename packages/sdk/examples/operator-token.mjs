// The SDK README's operator-token example, as a file that runs: Number Verification without
// mobile data (CAMARA NV "Operator Token Acquisition" guide). The app's backend asks Switchboard
// for a credential, its frontend hands the OpenID4VP request to the phone's Digital Credentials
// API and posts the answer back, and the backend exchanges the SD-JWT for a session.
//
// Against `npm start`'s aggregator, with a backend client registered by
//   npx switchboard clients add --name "Shop" --backend --generate-key \
//     --scopes number-verification:verify --allowed-origin https://shop.example
// (save the printed private JWK as key.json; the origin is the page's that calls the API):
//   SWITCHBOARD_ISSUER=http://127.0.0.1:3000 SWITCHBOARD_ALLOW_HTTP=true \
//   SWITCHBOARD_CLIENT_ID=sb-… SWITCHBOARD_KEY_FILE=key.json SESSION_SECRET=change-me \
//   node operator-token.mjs
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import express from 'express';
import session from 'express-session';
import {
  CarrierNotSupportedError,
  SwitchboardError,
  createSwitchboardClient,
  extractSdJwt,
  openid4vpRequest,
} from '@switchboard/sdk';

/**
 * @param {{ issuer: string, clientId: string, privateKey: object | string,
 *   allowInsecureRequests?: boolean, sessionSecret: string, secureCookie?: boolean }} config
 */
export function createSimCheckApp(config) {
  const switchboard = createSwitchboardClient({
    issuer: config.issuer,
    clientId: config.clientId,
    privateKey: config.privateKey, // a backend client: private_key_jwt, no redirect URI
    allowInsecureRequests: config.allowInsecureRequests === true, // http:// issuers: development only
  });
  const scope = 'dpv:FraudPreventionAndDetection number-verification:verify';

  const app = express();
  app.use(express.json());
  // A server-side session keeps the credential id between the two calls (one process here).
  app.use(
    session({
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'strict', secure: config.secureCookie !== false },
    }),
  );

  // 1. The frontend sends the device's carrier ids and gets the request for the wallet.
  app.post('/sim-check/start', async (req, res, next) => {
    const nonce = randomBytes(32).toString('base64url');
    try {
      const credential = await switchboard.operatorToken.credential({
        scope,
        nonce,
        carrierIds: req.body.carrierIds, // e.g. [90001], from activeCarrierIds()
        lang: req.acceptsLanguages().find((tag) => tag !== '*'), // the consent text's language
      });
      req.session.simCheck = { credentialId: credential.id };
      res.json({ request: openid4vpRequest(credential, nonce) });
    } catch (err) {
      // No SIM of this device offers operator tokens: verify over mobile data instead.
      if (err instanceof CarrierNotSupportedError)
        return res.json({ fallback: err.fallbackOptions });
      next(err);
    }
  });

  // 2. The frontend ran navigator.credentials.get({ digital: { requests: [{ protocol:
  //    'openid4vp-v1-unsigned', data: request }] } }) and posts its answer with the typed number.
  app.post('/sim-check/finish', async (req, res, next) => {
    const pending = req.session.simCheck;
    delete req.session.simCheck; // one use
    if (!pending) return res.status(400).json({ error: 'no SIM check in progress' });
    try {
      const sdJwt = extractSdJwt(req.body.answer, pending.credentialId);
      const verification = await switchboard.operatorToken.exchange({ sdJwt, scope });
      res.json({ verified: await switchboard.verify(verification, req.body.phoneNumber) });
    } catch (err) {
      next(err);
    }
  });

  app.use((err, _req, res, _next) => {
    if (!(err instanceof SwitchboardError)) return res.status(500).json({ error: 'INTERNAL' });
    res.status(err.code === 'INVALID_ARGUMENT' ? 400 : 502).json({ error: err.code });
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  const port = Number(env.PORT ?? 8080);
  createSimCheckApp({
    issuer: env.SWITCHBOARD_ISSUER,
    clientId: env.SWITCHBOARD_CLIENT_ID,
    privateKey: JSON.parse(fs.readFileSync(env.SWITCHBOARD_KEY_FILE, 'utf8')),
    allowInsecureRequests: env.SWITCHBOARD_ALLOW_HTTP === 'true',
    sessionSecret: env.SESSION_SECRET,
    secureCookie: env.SECURE_COOKIE !== 'false',
  }).listen(port, '127.0.0.1', () => console.log(`example app on http://127.0.0.1:${port}`));
}
