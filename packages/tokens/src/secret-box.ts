import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Seals small secrets (operator client secrets, private JWKs, key material) at rest. */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  /** The id of the master key new values are sealed under (the first configured). */
  readonly currentKeyId: string;
  /**
   * Master-key rotation: the value sealed under the current master key, or undefined when it
   * already is. Throws like `open` when it cannot be opened.
   */
  reseal(sealed: string, context: string): string | undefined;
}

export interface SecretBoxOptions {
  /** What to tell the reader about a master key id it was not given, when it knows (e.g. a built-in key). */
  unknownKeyHint?(keyId: string): string | undefined;
}

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

const VERSION = 'sb1';

/**
 * AES-256-GCM with a key derived (HKDF-SHA256) from the master key. The master key id
 * travels with each envelope so a rotated master key can still open older values, and
 * `context` (e.g. "operator:es-movistar") is bound as AAD so a sealed value copied to
 * another row does not open there.
 * Envelope: `sb1.<masterKeyId>.<iv b64url>.<ciphertext b64url>.<tag b64url>`.
 */
export function createSecretBox(
  masterKeys: ReadonlyArray<string>,
  options: SecretBoxOptions = {},
): SecretBox {
  if (masterKeys.length === 0) throw new SecretBoxError('at least one master key is required');
  const keys = new Map(masterKeys.map((k) => [masterKeyId(k), deriveKey(k)] as const));
  const currentId = masterKeyId(masterKeys[0]!);
  const currentKey = keys.get(currentId)!;
  const box: SecretBox = {
    currentKeyId: currentId,
    reseal(sealed, context) {
      if (sealed.split('.', 2)[1] === currentId) return undefined;
      return box.seal(box.open(sealed, context), context);
    },
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv).setAAD(Buffer.from(context));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, currentId, b64(iv), b64(ct), b64(cipher.getAuthTag())].join('.');
    },
    open(sealed, context) {
      const [version, kid, iv, ct, tag] = sealed.split('.');
      if (version !== VERSION || !kid || !iv || ct === undefined || !tag) {
        throw new SecretBoxError('not a sealed value');
      }
      const key = keys.get(kid);
      if (!key) {
        const hint = options.unknownKeyHint?.(kid);
        throw new SecretBoxError(
          `sealed with an unknown master key (${kid})${hint ? `: ${hint}` : ''}`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
          .setAAD(Buffer.from(context))
          .setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(ct, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretBoxError('sealed value failed authentication (wrong key or context)');
      }
    },
  };
  return box;
}

/** A short public fingerprint of a master key, stored beside each envelope. */
export function masterKeyId(masterKey: string): string {
  return createHash('sha256').update(masterKey).digest('base64url').slice(0, 8);
}

function deriveKey(masterKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, 'switchboard', 'secret-box/v1', 32));
}

const b64 = (b: Buffer) => b.toString('base64url');
