/** Mask of a prefix of `length` bits (0..32) over one 32-bit word, as an unsigned number. */
export function wordMask(length: number): number {
  if (length <= 0) return 0;
  if (length >= 32) return 0xffffffff;
  return (0xffffffff << (32 - length)) >>> 0;
}

/** Mask of word `w` (0..3, big-endian) of a 128-bit prefix of `length` bits. */
export function ipv6WordMask(length: number, w: number): number {
  return wordMask(length - 32 * w);
}

/** Number of addresses in an IPv4 prefix, minus one: the offset of its last address. */
export function ipv4HostSpan(length: number): number {
  return 2 ** (32 - length) - 1;
}
