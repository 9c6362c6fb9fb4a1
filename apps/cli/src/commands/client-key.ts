import { createHash, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError } from '../io.js';

/** The signing algorithms an operator may expect for Switchboard's private_key_jwt (RFC 7518, RFC 8037). */
const ALGORITHMS = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: () => generateKeyPairSync('ed25519'),
} as const;
type Algorithm = keyof typeof ALGORITHMS;

/** The members RFC 7638 §3.2 hashes, per key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/** RFC 7638 JWK thumbprint (SHA-256, base64url): a stable key id both sides can recompute. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * A key pair for Switchboard's `private_key_jwt` client authentication at an operator: the
 * private JWK for `operators add|update --private-key-file`, the public JWKS for the operator.
 */
export function generateClientKey(alg: Algorithm): {
  privateJwk: JsonWebKey;
  jwks: { keys: JsonWebKey[] };
} {
  const { publicKey, privateKey } = ALGORITHMS[alg]() as {
    publicKey: KeyObject;
    privateKey: KeyObject;
  };
  const pub = publicKey.export({ format: 'jwk' });
  const meta = { kid: jwkThumbprint(pub), alg, use: 'sig' };
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...meta },
    jwks: { keys: [{ ...pub, ...meta }] },
  };
}

export function registerClientKeyCommand(keys: Command, ctx: CommandContext): void {
  keys
    .command('generate-client-key')
    .description(
      "make a key pair for Switchboard's private_key_jwt at an operator: writes the private JWK, prints the public JWKS to hand over",
    )
    .requiredOption('--out <file>', 'where to write the private JWK (created with mode 0600)')
    .option(
      '--alg <alg>',
      `signing algorithm: ${Object.keys(ALGORITHMS).join(', ')}`,
      algorithm,
      'ES256',
    )
    .option('--force', 'overwrite --out if it exists')
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard keys generate-client-key --out movistar-key.json > movistar-jwks.json
  $ switchboard operators add --id es-movistar … --client-id switchboard --private-key-file movistar-key.json

Send the operator the printed JWKS (public keys only) for Switchboard's client registration;
keep the private key file secret. Nothing is sent to the aggregator.`,
    )
    .action(
      ctx.run(async (flags: { out: string; alg: Algorithm; force?: boolean }) => {
        const file = path.resolve(flags.out);
        const { privateJwk, jwks } = generateClientKey(flags.alg);
        try {
          fs.writeFileSync(file, `${JSON.stringify(privateJwk, null, 2)}\n`, {
            mode: 0o600,
            flag: flags.force ? 'w' : 'wx',
          });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new CliError(
            code === 'EEXIST'
              ? `${flags.out} exists: choose another --out, or --force to overwrite it`
              : `cannot write ${flags.out}: ${(err as Error).message}`,
          );
        }
        if (flags.force) fs.chmodSync(file, 0o600);
        // The JWKS is the output either way: it is what the operator needs, as JSON.
        ctx.out().result(jwks, () => JSON.stringify(jwks, null, 2));
      }),
    );
}

function algorithm(value: string): Algorithm {
  if (!(value in ALGORITHMS))
    throw new InvalidArgumentError(`must be one of ${Object.keys(ALGORITHMS).join(', ')}`);
  return value as Algorithm;
}
