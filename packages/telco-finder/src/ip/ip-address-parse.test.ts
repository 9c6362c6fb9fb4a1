import { describe, expect, it } from '@jest/globals';
import { isMappedIpv4, parseIpv4, parseIpv6, parsePrefixLength } from './ip-address-parse.js';

const v4 = (text: string): number => parseIpv4(text, 0, text.length);
const v6 = (text: string): number[] | undefined => {
  const words = new Uint32Array(4);
  return parseIpv6(text, 0, text.length, words) ? [...words] : undefined;
};

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.1.2.3', 0x0a010203],
    ['255.255.255.255', 0xffffffff],
    ['192.0.2.100', 0xc0000264],
  ])('reads %s', (text, value) => {
    expect(v4(text)).toBe(value);
  });

  it.each([
    '',
    'abc',
    '1.2.3',
    '1.2.3.4.5',
    '999.1.1.1',
    '256.0.0.0',
    '01.2.3.4',
    '1.2.3.00',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4/32',
    '1.2.3.-4',
    '0x1.2.3.4',
    '１.2.3.4',
  ])('rejects %j', (text) => {
    expect(v4(text)).toBe(-1);
  });

  it('reads a slice of a longer string', () => {
    expect(parseIpv4('x10.0.0.1/8', 1, 9)).toBe(0x0a000001);
  });
});

describe('parseIpv6', () => {
  it.each([
    ['::', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['1::', [0x10000, 0, 0, 0]],
    ['2001:db8::1', [0x20010db8, 0, 0, 1]],
    ['2001:DB8:0:0:0:0:0:1', [0x20010db8, 0, 0, 1]],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', [0x20010db8, 0, 0, 1]],
    ['1:2:3:4:5:6:7:8', [0x10002, 0x30004, 0x50006, 0x70008]],
    ['1::8', [0x10000, 0, 0, 8]],
    ['1:2:3:4:5:6:7::', [0x10002, 0x30004, 0x50006, 0x70000]],
    ['::2:3:4:5:6:7:8', [0x2, 0x30004, 0x50006, 0x70008]],
    ['::ffff:10.1.2.3', [0, 0, 0xffff, 0x0a010203]],
    ['::FFFF:a01:203', [0, 0, 0xffff, 0x0a010203]],
    ['1:2:3:4:5:6:1.2.3.4', [0x10002, 0x30004, 0x50006, 0x01020304]],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]],
  ])('reads %s', (text, words) => {
    expect(v6(text)).toEqual(words);
  });

  it.each([
    '',
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    'g::1',
    'fe80::1%eth0',
    '[2001:db8::1]',
    '2001:db8::1/64',
    '::ffff:1.2.3',
    '::ffff:01.2.3.4',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6::1.2.3.4',
    '1.2.3.4',
  ])('rejects %j', (text) => {
    expect(v6(text)).toBeUndefined();
  });
});

describe('isMappedIpv4', () => {
  it('recognises ::ffff:0:0/96 only', () => {
    expect(isMappedIpv4(Uint32Array.of(0, 0, 0xffff, 1))).toBe(true);
    expect(isMappedIpv4(Uint32Array.of(0, 0, 0, 1))).toBe(false);
    expect(isMappedIpv4(Uint32Array.of(0, 1, 0xffff, 1))).toBe(false);
  });
});

describe('parsePrefixLength', () => {
  const length = (text: string, max: number): number =>
    parsePrefixLength(text, 0, text.length, max);

  it('accepts 0..max without leading zeros', () => {
    expect(length('0', 32)).toBe(0);
    expect(length('32', 32)).toBe(32);
    expect(length('128', 128)).toBe(128);
  });

  it.each([
    ['', 32],
    ['33', 32],
    ['129', 128],
    ['08', 32],
    ['1000', 128],
    ['-1', 32],
    ['2a', 32],
  ])('rejects %j (max %d)', (text, max) => {
    expect(length(text, max)).toBe(-1);
  });
});
