// The costly steps of one operator-token exchange (CAMARA NV "Operator Token Acquisition" guide
// §5.1–§5.3), measured in-process for bench/operator-token.ts: the aggregator's own SD-JWT
// verifier, its X.509 and JWS parts alone, the ECDH-ES decryption with a sealed ephemeral key,
// and the operator hop.
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
import { acquireTemporaryToken } from '@switchboard/handset';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { createSecretBox } from '@switchboard/tokens';
import {
  certificateFromDer,
  certificatesFromPem,
  ephemeralKeyContext,
  sha256,
  verifySdJwt,
} from '@switchboard/aggregator/test-support/openid4vp-internals';
import { demoSims } from '@switchboard/aggregator/test-support/operator-token';

export interface StepCosts {
  /** Milliseconds per exchange, each a mean over `steps` repetitions (the hop over a tenth). */
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
 * Mean milliseconds of each step, the steps taking turns within every repetition, so that the
 * machine's changing load falls on all of them alike.
 */
async function interleaved<K extends string>(
  n: number,
  steps: Record<K, () => Promise<unknown>>,
): Promise<Record<K, number>> {
  const names = Object.keys(steps) as K[];
  const total = Object.fromEntries(names.map((k) => [k, 0])) as Record<K, number>;
  for (const k of names) await steps[k]();
  for (let i = 0; i < n; i += 1)
    for (const k of names) {
      const t0 = performance.now();
      await steps[k]();
      total[k] += performance.now() - t0;
    }
  for (const k of names) total[k] /= n;
  return total;
}

/**
 * The exchange's costly steps one by one, on a real SD-JWT from the handset: the aggregator's
 * `verifySdJwt` (§5.1 steps 1–3, chain included), the X.509 part of it alone, the JWS and hash
 * part alone, the ECDH-ES + A128GCM decryption with the sealed ephemeral key (§5.2), and the
 * operator hop (§5.3: Switchboard's JWT-bearer at sandbox-a with `operatortoken:`).
 */
export interface StepInput {
  /** A real SD-JWT from the handset. */
  readonly sdJwt: string;
  /** The Telephony trust anchors the aggregator is configured with. */
  readonly anchorsPem: string;
  readonly sandboxA: RunningSandbox;
  /** The scope of the operator hop's assertion. */
  readonly scope: string;
  readonly steps: number;
}

export async function stepCosts({
  sdJwt,
  anchorsPem,
  sandboxA,
  scope,
  steps,
}: StepInput): Promise<StepCosts> {
  const anchors = certificatesFromPem(anchorsPem);
  const [issuerJwt, bindingJwt] = sdJwt.split('~') as [string, string];
  const x5c = decodeProtectedHeader(issuerJwt).x5c!;
  const leaf = certificateFromDer(x5c[0]!);
  const now = new Date();
  const costs = await interleaved(steps, {
    sdJwt: () => verifySdJwt(sdJwt, anchors, now),
    x509: async () => {
      const chain = x5c.map((der) => certificateFromDer(der));
      for (const [i, cert] of chain.entries()) {
        if (cert.notBefore > now || cert.notAfter < now) throw new Error('certificate not valid');
        const next = chain[i + 1];
        if (next && !(await cert.verify({ publicKey: next.publicKey, signatureOnly: true })))
          throw new Error('chain does not verify');
      }
      if (!Buffer.from(chain.at(-1)!.rawData).equals(Buffer.from(anchors[0]!.rawData)))
        throw new Error('not the anchor');
    },
    jws: async () => {
      const leafKey = createPublicKey({
        key: Buffer.from(leaf.publicKey.rawData),
        format: 'der',
        type: 'spki',
      });
      const { payload } = await jwtVerify(issuerJwt, leafKey, { typ: 'dc-authorization+sd-jwt' });
      const cnf = await importJWK((payload.cnf as { jwk: JWK }).jwk, 'ES256');
      const binding = await jwtVerify(bindingJwt, cnf, { typ: 'kb+jwt' });
      if (binding.payload.sd_hash !== sha256(`${issuerJwt}~`)) throw new Error('sd_hash');
    },
    ecdh: await ecdhStep(),
  });
  return { ...costs, hop: await hopCost(sandboxA, scope, Math.max(1, Math.floor(steps / 10))) };
}

/** §5.2 as the aggregator does it: open the sealed ephemeral JWK, import it, decrypt. */
async function ecdhStep(): Promise<() => Promise<unknown>> {
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
  const jwe = await new CompactEncrypt(
    Buffer.from(JSON.stringify({ temp_token: randomBytes(32).toString('base64url') })),
  )
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: id })
    .encrypt(publicKey);
  return async () => {
    const jwk = JSON.parse(box.open(sealed, ephemeralKeyContext(id, 'c'))) as JWK;
    await compactDecrypt(jwe, await importJWK(jwk, 'ECDH-ES'), {
      keyManagementAlgorithms: ['ECDH-ES'],
      contentEncryptionAlgorithms: ['A128GCM'],
    });
  };
}

/**
 * §5.3: Switchboard's JWT-bearer at sandbox-a with `sub = operatortoken:<temp_token>`, signed
 * with Switchboard's key there (config/demo-operator-keys.json), as the aggregator sends it.
 * Each temp_token is acquired first (not timed) and works once.
 */
async function hopCost(sandboxA: RunningSandbox, scope: string, n: number): Promise<number> {
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
  const temps: string[] = [];
  for (let i = 0; i <= n; i += 1) temps.push(await acquireTemporaryToken(sim));
  let i = 0;
  return mean(n, async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope })
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
