const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const UNPADDED = /^[A-Za-z0-9_-]*$/;
/** Bits of the last character that encode no byte, by the encoding's length modulo 4. */
const SPARE_BITS = [0, -1, 0x0f, 0x03] as const;

/**
 * True when `text` is the one base64url encoding (RFC 4648 §5) of its bytes: the unpadded
 * alphabet only (RFC 7515 §2), and the bits of the last character that encode no byte are
 * zero (RFC 4648 §3.5). Lenient decoders (atob, Buffer) ignore those bits, so without this
 * check one value has up to 16 spellings.
 */
export function isCanonicalBase64url(text: string): boolean {
  const spare = SPARE_BITS[text.length % 4]!;
  if (spare < 0 || !UNPADDED.test(text)) return false;
  return spare === 0 || (ALPHABET.indexOf(text.at(-1)!) & spare) === 0;
}

/**
 * A compact JWE (RFC 7516 §7.1) whose five segments are each canonical base64url; only the
 * encrypted key segment may be empty (`alg: dir`).
 */
export function isCanonicalCompactJwe(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 5) return false;
  return parts.every((p, i) => (p === '' ? i === 1 : isCanonicalBase64url(p)));
}
