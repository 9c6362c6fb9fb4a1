// The SDK README's backend example, as a file that runs: a fraud engine asks, with no browser in
// the loop, whether a line's SIM changed in the last day. CIBA (the operator authorizes out of
// band; the SDK polls) or, for a client trusted with tel: subjects, one JWT-bearer request.
//
// Against an aggregator that serves the ICM backend flows, with a backend client registered by
//   npx switchboard clients add --name "Fraud engine" --backend --generate-key \
//     --trust-tel-subject --scopes sim-swap:check
// (save the printed private JWK as key.json):
//   SWITCHBOARD_ISSUER=http://127.0.0.1:3000 SWITCHBOARD_ALLOW_HTTP=true \
//   SWITCHBOARD_CLIENT_ID=sb-… SWITCHBOARD_KEY_FILE=key.json \
//   node backend-flows.mjs +34600000001 [--jwt-bearer]
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  API_SCOPES,
  AccessDeniedError,
  AuthorizationExpiredError,
  createSwitchboardClient,
} from '@switchboard/sdk';

/**
 * @param {{ issuer: string, clientId: string, privateKey: object | string,
 *   allowInsecureRequests?: boolean }} config
 */
export function createFraudCheck(config) {
  const switchboard = createSwitchboardClient({
    issuer: config.issuer,
    clientId: config.clientId,
    privateKey: config.privateKey, // backend flows: private_key_jwt only (ICM); no redirectUri
    allowInsecureRequests: config.allowInsecureRequests === true, // http:// issuers: development only
  });

  /**
   * Did the SIM of `phoneNumber` change in the last 24 hours? `undefined` when the operator
   * gives no answer (no consent or legal basis, or the request expired): use another signal.
   *
   * @param {string} phoneNumber E.164, e.g. +34600000001
   * @param {{ jwtBearer?: boolean, signal?: AbortSignal }} [options]
   * @returns {Promise<boolean | undefined>}
   */
  return async function simSwappedRecently(phoneNumber, options = {}) {
    const request = {
      phoneNumber,
      purpose: 'dpv:FraudPreventionAndDetection',
      scopes: [API_SCOPES.simSwapCheck],
      signal: options.signal,
    };
    try {
      const session = options.jwtBearer
        ? await switchboard.backend.jwtBearer(request)
        : await switchboard.backend.authorize(request); // waits `interval` s between polls
      return await switchboard.simSwap.check(session, { maxAge: 24 });
    } catch (err) {
      if (err instanceof AccessDeniedError || err instanceof AuthorizationExpiredError)
        return undefined;
      throw err;
    }
  };
}

/** @param {string} name */
function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see the top of this file)`);
  return value;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [phoneNumber = '+34600000001', mode] = process.argv.slice(2);
  const simSwappedRecently = createFraudCheck({
    issuer: env('SWITCHBOARD_ISSUER'),
    clientId: env('SWITCHBOARD_CLIENT_ID'),
    privateKey: JSON.parse(fs.readFileSync(env('SWITCHBOARD_KEY_FILE'), 'utf8')),
    allowInsecureRequests: process.env.SWITCHBOARD_ALLOW_HTTP === 'true',
  });
  // CIBA ends by itself at the request's expires_in (AuthorizationExpiredError → undefined).
  const swapped = await simSwappedRecently(phoneNumber, { jwtBearer: mode === '--jwt-bearer' });
  console.log(`SIM changed in the last 24 h: ${swapped ?? 'no answer'}`);
}
