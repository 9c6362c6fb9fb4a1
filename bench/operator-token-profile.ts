// A CPU profile of operator-token exchanges alone (CAMARA NV "Operator Token Acquisition" guide,
// Step 3), for finding what an exchange costs: the same aggregator, sandboxes and handset as
// bench/operator-token.ts; N SD-JWTs presented first, then the profiler (node:inspector) runs only
// while N exchanges go through the SDK at concurrency 8. Not part of `npm run bench`:
//   N=200 OUT=exchange.cpuprofile node --conditions=switchboard-source --import tsx \
//     bench/operator-token-profile.ts
// then open the .cpuprofile in Chrome DevTools (Performance) or any cpuprofile viewer.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createSwitchboardClient } from '@switchboard/sdk';
import {
  registerOperators,
  startSandboxes,
  startTestAggregator,
  FRAUD,
} from '@switchboard/aggregator/test-support/core-fixture';
import {
  createTelephonyTrust,
  demoHandset,
  enableOperatorTokens,
  registerOperatorTokenApp,
} from '@switchboard/aggregator/test-support/operator-token';
import { openDatabase } from './bench-database.js';

const SCOPE = `${FRAUD} number-verification:verify`;
const N = Number(process.env.N ?? 200);
const { database, drop } = await openDatabase();
const trust = await createTelephonyTrust('Prof');
const agg = await startTestAggregator(database, undefined, {
  RATE_LIMIT_ENABLED: 'false',
  ...trust.env,
});
const sandboxes = await startSandboxes(agg.issuer);
await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
await enableOperatorTokens(agg);
await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, { kind: 'admin', id: 'p' } as const);
await agg.index.refresh();
const app = await registerOperatorTokenApp(agg, { name: 'Prof shop' });
const sb = createSwitchboardClient({
  issuer: agg.issuer,
  clientId: app.id,
  privateKey: app.jwk,
  allowInsecureRequests: true,
});
const handset = await demoHandset(agg, trust.pki, sandboxes);
const present = async () => {
  const n = randomBytes(24).toString('base64url');
  const credential = await sb.operatorToken.credential({
    scope: SCOPE,
    nonce: n,
    carrierIds: handset.activeCarrierIds(),
  });
  await handset.review(credential, n);
  return handset.present(credential, n, 0);
};
const sdJwts: string[] = [];
for (let i = 0; i < N + 20; i += 1) sdJwts.push(await present());
for (let i = 0; i < 20; i += 1)
  await sb.operatorToken.exchange({ sdJwt: sdJwts.pop()!, scope: SCOPE });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < N) {
      const s = sdJwts[next++]!;
      await sb.operatorToken.exchange({ sdJwt: s, scope: SCOPE });
    }
  }),
);
const ms = performance.now() - t0;
const { profile } = await session.post('Profiler.stop');
writeFileSync(process.env.OUT ?? 'exchange.cpuprofile', JSON.stringify(profile));
process.stderr.write(`${N} exchanges in ${ms.toFixed(0)} ms: ${((N / ms) * 1000).toFixed(1)}/s\n`);
await Promise.all(sandboxes.map((s) => s.close()));
await agg.stop();
await database.close();
await drop();
trust.remove();
