import { describe, expect, it } from '@jest/globals';
import { CidrError, cidrContains, cidrsOverlap, normalizeIp, parseCidr } from './cidr.js';

function failure(input: string): CidrError {
  try {
    parseCidr(input);
  } catch (error) {
    if (error instanceof CidrError) return error;
    throw error;
  }
  throw new Error(`parseCidr('${input}') did not throw`);
}

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', 4, '10.0.0.0/8', 8],
    ['0.0.0.0/0', 4, '0.0.0.0/0', 0],
    ['192.0.2.1/32', 4, '192.0.2.1/32', 32],
    ['192.0.2.1', 4, '192.0.2.1/32', 32],
    ['2001:db8::/32', 6, '2001:db8::/32', 32],
    ['2001:DB8:0000::/32', 6, '2001:db8::/32', 32],
    ['2001:0db8:0:0:0:0:0:0/48', 6, '2001:db8::/48', 48],
    ['::/0', 6, '::/0', 0],
    ['::1', 6, '::1/128', 128],
    ['2001:db8::1/128', 6, '2001:db8::1/128', 128],
    ['::ffff:10.0.0.0/104', 4, '10.0.0.0/8', 8],
    ['::ffff:a00:0/104', 4, '10.0.0.0/8', 8],
    ['::ffff:0:0/96', 4, '0.0.0.0/0', 0],
    ['::FFFF:192.0.2.1', 4, '192.0.2.1/32', 32],
    ['::ffff:192.0.2.1/128', 4, '192.0.2.1/32', 32],
  ])('%s → %s', (input, family, cidr, prefixLength) => {
    expect(parseCidr(input)).toEqual({ family, cidr, prefixLength });
  });

  it.each([
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1/128'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1/128'],
    ['1:0:0:0:0:0:0:0', '1::/128'],
    ['0:0:0:0:0:0:0:1', '::1/128'],
    ['fe80:0:0:0:0:0:0:0/10', 'fe80::/10'],
  ])('compresses %s per RFC 5952 as %s', (input, cidr) => {
    expect(parseCidr(input).cidr).toBe(cidr);
  });

  it.each([
    '',
    '10.0.0/8',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/08',
    '10.0.0.0/8/8',
    '/8',
    '01.0.0.0/8',
    '999.0.0.0/8',
    'abc',
    '2001:db8::/129',
    '2001:db8:::/32',
    'fe80::%eth0/64',
    ' 10.0.0.0/8',
    '::ffff:0:0/95',
    '::ffff:10.0.0.0/80',
  ])('rejects %j as invalid', (input) => {
    const error = failure(input);
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain(`invalid CIDR '${input}'`);
  });

  it('explains mapped prefixes shorter than /96', () => {
    expect(failure('::ffff:10.0.0.0/80').message).toMatch(/\/96 or longer/);
  });

  it.each([
    ['10.0.0.1/8', "host bits set in '10.0.0.1/8' (did you mean 10.0.0.0/8?)"],
    ['192.0.2.128/24', "host bits set in '192.0.2.128/24' (did you mean 192.0.2.0/24?)"],
    ['2001:db8::1/32', "host bits set in '2001:db8::1/32' (did you mean 2001:db8::/32?)"],
    ['::ffff:10.0.0.1/104', "host bits set in '::ffff:10.0.0.1/104' (did you mean 10.0.0.0/8?)"],
    ['0.0.0.1/0', "host bits set in '0.0.0.1/0' (did you mean 0.0.0.0/0?)"],
  ])('rejects host bits in %s', (input, message) => {
    const error = failure(input);
    expect(error.reason).toBe('host-bits');
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['10.1.2.3', 4, '10.1.2.3'],
    ['::ffff:10.1.2.3', 4, '10.1.2.3'],
    ['::ffff:a01:203', 4, '10.1.2.3'],
    ['2001:DB8::0:1', 6, '2001:db8::1'],
    ['::', 6, '::'],
  ])('%s → %s', (input, family, address) => {
    expect(normalizeIp(input)).toEqual({ family, address });
  });

  it.each(['', 'abc', '10.0.0.0/8', '01.2.3.4', 'fe80::1%eth0', '1.2.3.4.5'])(
    'returns undefined for %j',
    (input) => {
      expect(normalizeIp(input)).toBeUndefined();
    },
  );
});

describe('cidrContains / cidrsOverlap', () => {
  it('contains itself, longer prefixes inside it, and nothing outside', () => {
    expect(cidrContains('10.0.0.0/8', '10.0.0.0/8')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '10.255.0.0/16')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '11.0.0.0/16')).toBe(false);
    expect(cidrContains('10.1.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '255.255.255.255/32')).toBe(true);
    expect(cidrContains('2001:db8::/32', '2001:db8:ffff::/48')).toBe(true);
    expect(cidrContains('2001:db8::/32', '2001:db9::/48')).toBe(false);
    expect(cidrContains('::/0', '2001:db8::1/128')).toBe(true);
  });

  it('never mixes families', () => {
    expect(cidrContains('::/0', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '2001:db8::/32')).toBe(false);
    expect(cidrsOverlap('::/0', '0.0.0.0/0')).toBe(false);
  });

  it('overlaps in either direction, not when merely adjacent', () => {
    expect(cidrsOverlap('10.1.0.0/16', '10.0.0.0/8')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/8', '10.1.0.0/16')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/9', '10.128.0.0/9')).toBe(false);
    expect(cidrsOverlap('2001:db8::/33', '2001:db8:8000::/33')).toBe(false);
  });

  it('throws CidrError on input that is not a CIDR', () => {
    expect(() => cidrContains('10.0.0/8', '10.0.0.0/8')).toThrow(CidrError);
  });
});
