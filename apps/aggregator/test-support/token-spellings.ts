const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every spelling of one base64url segment that lenient decoders read as the same bytes. */
function segmentSpellings(segment: string): string[] {
  // RFC 4648 §3.5: the low bits of the last character that encode no byte (4 or 2 of them).
  const spare = [0, 0, 0x0f, 0x03][segment.length % 4]!;
  if (segment === '' || spare === 0) return [segment];
  const base = BASE64URL.indexOf(segment.at(-1)!) & ~spare;
  return Array.from(
    { length: spare + 1 },
    (_, bits) => `${segment.slice(0, -1)}${BASE64URL[base | bits]}`,
  );
}

/**
 * The other spellings of a compact token, segment by segment: the same bytes once decoded,
 * a different string (a JWE of 16 tag bytes and a ciphertext of 3n+2 bytes has 64 that
 * decrypt, the protected header being the AAD as written).
 */
export function nonCanonicalSpellings(token: string): string[] {
  let spellings = [''];
  token.split('.').forEach((segment, i) => {
    spellings = spellings.flatMap((prefix) =>
      segmentSpellings(segment).map((s) => (i === 0 ? s : `${prefix}.${s}`)),
    );
  });
  return spellings.filter((s) => s !== token);
}
