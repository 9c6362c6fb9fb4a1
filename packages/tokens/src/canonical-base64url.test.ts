import { describe, expect, it } from '@jest/globals';
import { isCanonicalBase64url, isCanonicalCompactJwe } from './canonical-base64url.js';

describe('canonical base64url (RFC 4648 §3.5, RFC 7515 §2)', () => {
  it.each([
    ['', true],
    ['AA', true], // one byte 0x00
    ['AB', false], // the same byte, an unused bit set
    ['AP', false],
    ['AQ', true], // 0x01
    ['AAA', true], // two bytes
    ['AAB', false],
    ['AAE', true],
    ['AAAA', true],
    ['A', false], // no length encodes 6 bits
    ['AA==', false], // padding is not base64url as JOSE uses it
    ['A+', false],
    ['A/', false],
  ])('%j → %s', (text, canonical) => {
    expect(isCanonicalBase64url(text)).toBe(canonical);
  });

  it('agrees with Buffer: canonical means the text is what the decoded bytes encode to', () => {
    for (let a = 0; a < 64; a += 1) {
      for (const length of [2, 3]) {
        const text = `${'A'.repeat(length - 1)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[a]}`;
        const roundTrip = Buffer.from(text, 'base64url').toString('base64url');
        expect(isCanonicalBase64url(text)).toBe(roundTrip === text);
      }
    }
  });

  it('takes a compact JWE of five canonical segments, only the key segment empty', () => {
    expect(isCanonicalCompactJwe('eyJ9..AAAA.AQ.AAE')).toBe(true);
    expect(isCanonicalCompactJwe('eyJ9..AAAA.AB.AAE')).toBe(false);
    expect(isCanonicalCompactJwe('eyJ9..AAAA..AAE')).toBe(false);
    expect(isCanonicalCompactJwe('eyJ9.AAAA.AQ.AAE')).toBe(false);
  });
});
