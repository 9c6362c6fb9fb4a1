// Operator-token exchanges per second through the aggregator (CAMARA NV "Operator Token
// Acquisition" guide, Step 3: the JWT-bearer grant with `sub = vp_token:<SD-JWT>`), next to
// plain `tel:` JWT-bearer exchanges (ICM r4.2 "JWT Bearer Flow") in the same run, both sent by
// the SDK; the whole path (credential request + the simulated handset + exchange); and where an
// exchange spends its time, measured in-process with the aggregator's own verifier.
import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CompactEncrypt,
  compactDecrypt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
} from 'jose';
import { request } from 'undici';
import { acquireTemporaryToken, type Handset } from '@switchboard/handset';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { createSwitchboardClient, type SwitchboardClient } from '@switchboard/sdk';
import { createSecretBox } from '@switchboard/tokens';
import { registerBackendApp } from '@switchboard/aggregator/test-support/backend-client';
import {
  FRAUD,
  registerOperators,
  startSandboxes,
  startTestAggregator,
} from '@switchboard/aggregator/test-support/core-fixture';
import {
  certificateFromDer,
  certificatesFromPem,
  ephemeralKeyContext,
  sha256,
  verifySdJwt,
} from '@switchboard/aggregator/test-support/openid4vp-internals';
import {
  createTelephonyTrust,
  demoHandset,
  demoSims,
  enableOperatorTokens,
  registerOperatorTokenApp,
} from '@switchboard/aggregator/test-support/operator-token';
import { openDatabase } from './bench-database.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'operator-token';
const CONCURRENCY = Number(process.env.BENCH_OT_CONCURRENCY ?? 8);
/** Exchanges of each kind per round; rounds alternate the two kinds against drifting load. */
const PER_ROUND = Number(process.env.BENCH_OT_PER_ROUND ?? 80);
const ROUNDS = Number(process.env.BENCH_OT_ROUNDS ?? 3);
const WHOLE_PATHS = Number(process.env.BENCH_OT_PATHS ?? 120);
/** Sequential repetitions of each in-process step, and of the exchange at concurrency 1. */
const STEPS = Number(process.env.BENCH_OT_STEPS ?? 300);
const SEQUENTIAL = Number(process.env.BENCH_OT_SEQUENTIAL ?? 40);
const SCOPE = `${FRAUD} number-verification:verify`;
const ADMIN = { kind: 'admin', id: 'bench' } as const;

interface World {
  readonly sb: SwitchboardClient;
  readonly tel: SwitchboardClient;
  readonly handset: Handset;
  readonly sandboxA: RunningSandbox;
  readonly anchorsPem: string;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { database, engine, drop } = await openDatabase();
  ctx.log(`operator-token exchanges on ${engine}`);
  const trust = await createTelephonyTrust('Bench Android Telephony');
  const agg = await startTestAggregator(database, undefined, {
    RATE_LIMIT_ENABLED: 'false',
    ...trust.env,
  });
  const sandboxes = await startSandboxes(agg.issuer);
  try {
    await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
    await enableOperatorTokens(agg);
    await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
    await agg.index.refresh();
    const app = await registerOperatorTokenApp(agg, { name: 'Bench shop' });
    const telApp = await registerBackendApp(agg, {
      trustTelSubject: true,
      allowedScopes: ['number-verification:verify'],
    });
    const client = (id: string, privateKey: JWK) =>
      createSwitchboardClient({
        issuer: agg.issuer,
        clientId: id,
        privateKey,
        allowInsecureRequests: true,
      });
    const world: World = {
      sb: client(app.id, app.jwk),
      tel: client(telApp.id, telApp.jwk),
      handset: await demoHandset(agg, trust.pki, sandboxes),
      sandboxA: sandboxes[0]!,
      anchorsPem: trust.pki.rootPem,
    };
    await checkPath(world);
    ctx.log(`exchanges, ${ROUNDS} rounds of ${PER_ROUND} each kind, concurrency ${CONCURRENCY}`);
    const rates = await exchangeRates(world);
    ctx.log(`whole paths: ${WHOLE_PATHS} at concurrency ${CONCURRENCY}`);
    const whole = await timed(WHOLE_PATHS, CONCURRENCY, () => wholePath(world));
    ctx.log('one exchange at a time, and its steps in-process');
    const latency = await sequentialLatency(world);
    const steps = await stepCosts(world, sandboxes[0]!);
    return report(engine, rates, WHOLE_PATHS / whole, latency, steps);
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
    await agg.stop();
    await database.close();
    await drop();
    trust.remove();
  }
}

const nonce = () => randomBytes(24).toString('base64url');

/**
 * One credential and its presentation by the handset (guide Steps 1 and 2) on slot 0, the SIM
 * +346001000005 of sandbox-a (config/sandbox.json).
 */
async function presentation(w: World): Promise<string> {
  const n = nonce();
  const credential = await w.sb.operatorToken.credential({
    scope: SCOPE,
    nonce: n,
    carrierIds: w.handset.activeCarrierIds(),
  });
  await w.handset.review(credential, n);
  return w.handset.present(credential, n, 0);
}

const exchange = (w: World, sdJwt: string) => w.sb.operatorToken.exchange({ sdJwt, scope: SCOPE });
const telExchange = (w: World) =>
  w.tel.backend.jwtBearer({
    phoneNumber: '+346001000005',
    purpose: FRAUD,
    scopes: ['number-verification:verify'],
  });

async function wholePath(w: World): Promise<void> {
  await exchange(w, await presentation(w));
}

/** The measured thing works before it is measured: the session verifies the SIM's number. */
async function checkPath(w: World): Promise<void> {
  const session = await exchange(w, await presentation(w));
  if (!(await w.sb.verify(session, '+346001000005')))
    throw new Error('the operator-token session did not verify the SIM’s number');
  await telExchange(w);
}

/** Runs `task(i)` for i < n with `concurrency` at once; the seconds it took. */
async function timed(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await task((next += 1) - 1);
    }),
  );
  return (performance.now() - started) / 1000;
}

interface Rates {
  readonly operatorToken: number;
  readonly tel: number;
}

/**
 * Per round: PER_ROUND SD-JWTs presented first (not timed; a temp_token lives 120 s), then
 * PER_ROUND operator-token exchanges and PER_ROUND tel: exchanges, each timed.
 */
async function exchangeRates(w: World): Promise<Rates> {
  let otSeconds = 0;
  let telSeconds = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const sdJwts: string[] = [];
    await timed(PER_ROUND, CONCURRENCY, async () => sdJwts.push(await presentation(w)));
    otSeconds += await timed(PER_ROUND, CONCURRENCY, (i) => exchange(w, sdJwts[i]!));
    telSeconds += await timed(PER_ROUND, CONCURRENCY, () => telExchange(w));
  }
  const total = PER_ROUND * ROUNDS;
  return { operatorToken: total / otSeconds, tel: total / telSeconds };
}

interface Latency {
  readonly operatorToken: number;
  readonly tel: number;
}

/** Mean milliseconds of one exchange with nothing else running, each kind. */
async function sequentialLatency(w: World): Promise<Latency> {
  const sdJwts: string[] = [];
  for (let i = 0; i < SEQUENTIAL; i += 1) sdJwts.push(await presentation(w));
  const ot = await timed(SEQUENTIAL, 1, (i) => exchange(w, sdJwts[i]!));
  const tel = await timed(SEQUENTIAL, 1, () => telExchange(w));
  return { operatorToken: (ot * 1000) / SEQUENTIAL, tel: (tel * 1000) / SEQUENTIAL };
}

interface StepCosts {
  /** Milliseconds per exchange, each mean over STEPS (the hop over fewer). */
  readonly sdJwt: number;
  readonly x509: number;
  readonly jws: number;
  readonly ecdh: number;
  readonly hop: number;
}

async function mean(n: number, step: () => Promise<unknown>): Promise<number> {
  await step();
  const started = performance.now();
  for (let i = 0; i < n; i += 1) await step();
  return (performance.now() - started) / n;
}

/**
 * The exchange's costly steps one by one, on a real SD-JWT from the handset: the aggregator's
 * `verifySdJwt` (§5.1 steps 1–3, chain included), the X.509 part of it alone, the JWS and hash
 * part alone, the ECDH-ES + A128GCM decryption with the sealed ephemeral key (§5.2), and the
 * operator hop (§5.3: Switchboard's JWT-bearer at sandbox-a with `operatortoken:`).
 */
async function stepCosts(w: World, sandboxA: RunningSandbox): Promise<StepCosts> {
  const sdJwt = await presentation(w);
  const anchors = certificatesFromPem(w.anchorsPem);
  const [issuerJwt, bindingJwt] = sdJwt.split('~') as [string, string];
  const x5c = decodeProtectedHeader(issuerJwt).x5c!;
  const now = new Date();
  const sdJwtMs = await mean(STEPS, () => verifySdJwt(sdJwt, anchors, now));
  const x509Ms = await mean(STEPS, async () => {
    const chain = x5c.map((der) => certificateFromDer(der));
    for (const [i, cert] of chain.entries()) {
      if (cert.notBefore > now || cert.notAfter < now) throw new Error('certificate not valid');
      const next = chain[i + 1];
      if (next && !(await cert.verify({ publicKey: next.publicKey, signatureOnly: true })))
        throw new Error('chain does not verify');
    }
    if (!Buffer.from(chain.at(-1)!.rawData).equals(Buffer.from(anchors[0]!.rawData)))
      throw new Error('not the anchor');
  });
  const leaf = certificateFromDer(x5c[0]!);
  const jwsMs = await mean(STEPS, async () => {
    const leafKey = createPublicKey({
      key: Buffer.from(leaf.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    const { payload } = await jwtVerify(issuerJwt, leafKey, { typ: 'dc-authorization+sd-jwt' });
    const cnf = await importJWK((payload.cnf as { jwk: JWK }).jwk, 'ES256');
    const binding = await jwtVerify(bindingJwt, cnf, { typ: 'kb+jwt' });
    if (binding.payload.sd_hash !== sha256(`${issuerJwt}~`)) throw new Error('sd_hash');
  });
  return {
    sdJwt: sdJwtMs,
    x509: x509Ms,
    jws: jwsMs,
    ecdh: await ecdhCost(),
    hop: await hopCost(w, sandboxA),
  };
}

/** §5.2 as the aggregator does it: open the sealed ephemeral JWK, import it, decrypt. */
async function ecdhCost(): Promise<number> {
  const box = createSecretBox([randomBytes(32).toString('base64url')]);
  const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', {
    crv: 'P-256',
    extractable: true,
  });
  const id = `sb-ot-${randomBytes(16).toString('base64url')}`;
  const sealed = box.seal(
    JSON.stringify(await exportJWK(privateKey)),
    ephemeralKeyContext(id, 'c'),
  );
  const jwe = await new CompactEncrypt(Buffer.from(JSON.stringify({ temp_token: nonce() })))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: id })
    .encrypt(publicKey);
  return mean(STEPS, async () => {
    const jwk = JSON.parse(box.open(sealed, ephemeralKeyContext(id, 'c'))) as JWK;
    await compactDecrypt(jwe, await importJWK(jwk, 'ECDH-ES'), {
      keyManagementAlgorithms: ['ECDH-ES'],
      contentEncryptionAlgorithms: ['A128GCM'],
    });
  });
}

/**
 * §5.3: Switchboard's JWT-bearer at sandbox-a with `sub = operatortoken:<temp_token>`, signed
 * with Switchboard's key there (config/demo-operator-keys.json), as the aggregator sends it.
 * Each temp_token is acquired first (not timed) and works once.
 */
async function hopCost(w: World, sandboxA: RunningSandbox): Promise<number> {
  const keys = JSON.parse(readFileSync('config/demo-operator-keys.json', 'utf8')) as {
    'sandbox-a': { privateJwk: JWK };
  };
  const signingKey = await importJWK(keys['sandbox-a'].privateJwk, 'ES256');
  const kid = keys['sandbox-a'].privateJwk.kid;
  const discovery = await request(`${sandboxA.url}/.well-known/openid-configuration`);
  const tokenEndpoint = String(
    ((await discovery.body.json()) as Record<string, unknown>).token_endpoint,
  );
  const sim = demoSims([sandboxA, sandboxA])[0]!;
  const n = Math.max(1, Math.floor(STEPS / 10));
  const temps: string[] = [];
  for (let i = 0; i <= n; i += 1) temps.push(await acquireTemporaryToken(sim));
  let i = 0;
  return mean(n, async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'ES256', ...(kid ? { kid } : {}) })
      .setIssuer('switchboard')
      .setSubject(`operatortoken:${temps[i++]!}`)
      .setAudience(tokenEndpoint)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(randomBytes(16).toString('base64url'))
      .sign(signingKey);
    const res = await request(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
    });
    const body = (await res.body.json()) as Record<string, unknown>;
    if (res.statusCode !== 200) throw new Error(`operator hop refused: ${JSON.stringify(body)}`);
  });
}

function report(
  engine: string,
  rates: Rates,
  wholePerSecond: number,
  latency: Latency,
  steps: StepCosts,
): BenchRow[] {
  const c = `c=${CONCURRENCY}`;
  const row = (metric: string, value: number, unit: string, note: string, target?: string) => ({
    bench: BENCH,
    metric,
    value,
    unit,
    note,
    ...(target ? { target } : {}),
  });
  const exchangeMs = latency.operatorToken;
  const share = (ms: number) => `${((ms / exchangeMs) * 100).toFixed(0)} % of one exchange`;
  const cryptoShare = ((steps.sdJwt + steps.ecdh) / exchangeMs) * 100;
  return [
    row(`tel: JWT-bearer exchange (${c})`, rates.tel, 'exchanges/s', `${engine}; anchor, same run`),
    row(
      `operator-token exchange (${c})`,
      rates.operatorToken,
      'exchanges/s',
      `${engine}; Step 3 only`,
    ),
    row(
      'operator-token / tel: exchange',
      rates.operatorToken / rates.tel,
      '×',
      'same run',
      '≥ 0.5',
    ),
    row(
      `operator-token whole path (${c})`,
      wholePerSecond,
      'paths/s',
      'credential + handset + exchange',
    ),
    row('tel: exchange, one at a time', latency.tel, 'ms', 'mean over HTTP'),
    row('operator-token exchange, one at a time', exchangeMs, 'ms', 'mean over HTTP = 100 %'),
    row('· SD-JWT checks (verifySdJwt)', steps.sdJwt * 1000, 'µs', share(steps.sdJwt)),
    row('  · of which X.509 chain', steps.x509 * 1000, 'µs', share(steps.x509)),
    row('  · of which JWS + sd_hash', steps.jws * 1000, 'µs', share(steps.jws)),
    row(
      '· ECDH-ES + A128GCM decrypt',
      steps.ecdh * 1000,
      'µs',
      `${share(steps.ecdh)}; key unsealed`,
    ),
    row('· operator hop (operatortoken:)', steps.hop * 1000, 'µs', share(steps.hop)),
    row(
      'SD-JWT checks + ECDH, share',
      cryptoShare,
      '%',
      'of one exchange: must not dominate',
      '≤ 50',
    ),
  ];
}
