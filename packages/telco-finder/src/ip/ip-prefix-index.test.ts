import { describe, expect, it } from '@jest/globals';
import { CidrError } from './cidr.js';
import { IpPrefixIndex, type IpRoute } from './ip-prefix-index.js';

const route = (operatorId: string, cidr: string): IpRoute => ({ operatorId, cidr });

describe('IpPrefixIndex longest prefix', () => {
  const index = IpPrefixIndex.build([
    route('mno', '10.0.0.0/8'),
    route('mvno', '10.1.0.0/16'),
    route('enterprise', '10.1.2.0/24'),
    route('host', '10.1.2.3/32'),
    route('mno6', '2001:db8::/32'),
    route('mvno6', '2001:db8:1::/48'),
    route('enterprise6', '2001:db8:1:2::/64'),
    route('host6', '2001:db8:1:2::3/128'),
  ]);

  it.each([
    ['10.1.2.3', 'host', '10.1.2.3/32'],
    ['10.1.2.4', 'enterprise', '10.1.2.0/24'],
    ['10.1.2.2', 'enterprise', '10.1.2.0/24'],
    ['10.1.3.0', 'mvno', '10.1.0.0/16'],
    ['10.1.1.255', 'mvno', '10.1.0.0/16'],
    ['10.0.0.0', 'mno', '10.0.0.0/8'],
    ['10.255.255.255', 'mno', '10.0.0.0/8'],
    ['2001:db8:1:2::3', 'host6', '2001:db8:1:2::3/128'],
    ['2001:db8:1:2::4', 'enterprise6', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::', 'mvno6', '2001:db8:1::/48'],
    ['2001:db8:2::1', 'mno6', '2001:db8::/32'],
    ['2001:DB8:0:0:0:0:0:1', 'mno6', '2001:db8::/32'],
  ])('%s → %s (%s)', (ip, operatorId, cidr) => {
    expect(index.lookup(ip)).toEqual({ operatorId, cidr });
  });

  it.each(['9.255.255.255', '11.0.0.0', '2001:db7:ffff::1', '2001:db9::', '::1'])(
    'misses %s',
    (ip) => {
      expect(index.lookup(ip)).toBeUndefined();
    },
  );

  it('looks IPv4-mapped IPv6 up as IPv4', () => {
    expect(index.lookup('::ffff:10.1.2.3')?.operatorId).toBe('host');
    expect(index.lookup('::ffff:a01:204')?.operatorId).toBe('enterprise');
    expect(index.lookup('0:0:0:0:0:FFFF:10.1.3.1')?.operatorId).toBe('mvno');
    expect(index.lookup('::ffff:11.0.0.1')).toBeUndefined();
  });

  it('counts prefixes per family', () => {
    expect(index.ipv4Prefixes).toBe(4);
    expect(index.ipv6Prefixes).toBe(4);
  });

  it('returns the same frozen match object for repeated hits', () => {
    const first = index.lookup('10.1.2.9');
    expect(index.lookup('10.1.2.200')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('IpPrefixIndex ranges', () => {
  it('keeps adjacent and touching prefixes apart', () => {
    const index = IpPrefixIndex.build([
      route('low', '10.0.0.0/9'),
      route('high', '10.128.0.0/9'),
      route('next', '11.0.0.0/8'),
      route('child', '10.127.255.0/24'),
    ]);
    expect(index.lookup('10.127.254.255')?.operatorId).toBe('low');
    expect(index.lookup('10.127.255.255')?.operatorId).toBe('child');
    expect(index.lookup('10.128.0.0')?.operatorId).toBe('high');
    expect(index.lookup('10.255.255.255')?.operatorId).toBe('high');
    expect(index.lookup('11.0.0.0')?.operatorId).toBe('next');
    expect(index.lookup('12.0.0.0')).toBeUndefined();
  });

  it('handles children at the first and last address of their parent', () => {
    const index = IpPrefixIndex.build([
      route('parent', '192.0.2.0/24'),
      route('first', '192.0.2.0/25'),
      route('last', '192.0.2.255/32'),
    ]);
    expect(index.lookup('192.0.2.0')?.operatorId).toBe('first');
    expect(index.lookup('192.0.2.128')?.operatorId).toBe('parent');
    expect(index.lookup('192.0.2.254')?.operatorId).toBe('parent');
    expect(index.lookup('192.0.2.255')?.operatorId).toBe('last');
    expect(index.lookup('192.0.3.0')).toBeUndefined();
  });

  it('covers the whole space with /0 and still prefers longer prefixes', () => {
    const index = IpPrefixIndex.build([
      route('any4', '0.0.0.0/0'),
      route('top', '255.255.255.255/32'),
      route('bottom', '0.0.0.0/32'),
      route('any6', '::/0'),
      route('top6', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'),
    ]);
    expect(index.lookup('0.0.0.0')?.operatorId).toBe('bottom');
    expect(index.lookup('0.0.0.1')?.operatorId).toBe('any4');
    expect(index.lookup('255.255.255.254')).toEqual({ operatorId: 'any4', cidr: '0.0.0.0/0' });
    expect(index.lookup('255.255.255.255')?.operatorId).toBe('top');
    expect(index.lookup('::')).toEqual({ operatorId: 'any6', cidr: '::/0' });
    expect(index.lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')?.operatorId).toBe('any6');
    expect(index.lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')?.operatorId).toBe('top6');
  });

  it('keeps IPv4 and IPv6 apart', () => {
    const v6Only = IpPrefixIndex.build([route('any6', '::/0')]);
    expect(v6Only.lookup('10.0.0.1')).toBeUndefined();
    expect(v6Only.lookup('::ffff:10.0.0.1')).toBeUndefined();
    const v4Only = IpPrefixIndex.build([route('any4', '0.0.0.0/0')]);
    expect(v4Only.lookup('2001:db8::1')).toBeUndefined();
    expect(v4Only.lookup('::ffff:10.0.0.1')?.operatorId).toBe('any4');
  });

  it('routes mapped-IPv6 routes as IPv4', () => {
    const index = IpPrefixIndex.build([route('mapped', '::ffff:10.0.0.0/104')]);
    expect(index.ipv4Prefixes).toBe(1);
    expect(index.lookup('10.9.9.9')).toEqual({ operatorId: 'mapped', cidr: '10.0.0.0/8' });
  });
});

describe('IpPrefixIndex build', () => {
  it('lets the first route win when a CIDR is given twice', () => {
    const index = IpPrefixIndex.build([
      route('first', '10.0.0.0/8'),
      route('second', '10.0.0.0/8'),
      route('third', '10.0.0.0/8'),
    ]);
    expect(index.lookup('10.0.0.1')?.operatorId).toBe('first');
    expect(index.ipv4Prefixes).toBe(1);
  });

  it('canonicalises non-canonical spellings of a CIDR', () => {
    const index = IpPrefixIndex.build([route('op', '2001:DB8:0::/32')]);
    expect(index.lookup('2001:db8::5')?.cidr).toBe('2001:db8::/32');
  });

  it('throws CidrError on a bad route', () => {
    expect(() => IpPrefixIndex.build([route('op', '10.0.0.1/8')])).toThrow(CidrError);
    expect(() => IpPrefixIndex.build([route('op', 'nonsense')])).toThrow(/invalid CIDR/);
  });

  it('is empty when built from nothing', () => {
    const index = IpPrefixIndex.empty();
    expect(index.ipv4Prefixes + index.ipv6Prefixes).toBe(0);
    expect(index.lookup('10.0.0.1')).toBeUndefined();
    expect(index.lookup('::1')).toBeUndefined();
  });

  it('reports memory that grows with the prefixes', () => {
    const small = IpPrefixIndex.build([route('op', '10.0.0.0/8')]).memoryBytes();
    const routes = Array.from({ length: 1000 }, (_, i) =>
      route('op', `10.${i >> 8}.${i & 255}.0/24`),
    );
    expect(IpPrefixIndex.build(routes).memoryBytes()).toBeGreaterThan(small + 1000 * 8);
  });
});

describe('IpPrefixIndex.lookup is total', () => {
  const index = IpPrefixIndex.build([route('any4', '0.0.0.0/0'), route('any6', '::/0')]);

  it.each([
    '',
    'abc',
    '1.2.3',
    '999.1.1.1',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.4/32',
    ' 1.2.3.4',
    'fe80::1%eth0',
    '[::1]',
    '::1:',
    ':::',
    '1.2.3.4:80',
  ])('rejects %j', (ip) => {
    expect(index.lookup(ip)).toBeUndefined();
  });

  it('rejects very long strings', () => {
    expect(index.lookup('x'.repeat(10_000))).toBeUndefined();
    expect(index.lookup('1:'.repeat(5_000))).toBeUndefined();
    expect(index.lookup('1'.repeat(10_000))).toBeUndefined();
  });

  it('tolerates values that are not strings at all', () => {
    expect(index.lookup(undefined as unknown as string)).toBeUndefined();
    expect(index.lookup(42 as unknown as string)).toBeUndefined();
  });

  it('accepts the mapped form', () => {
    expect(index.lookup('::ffff:1.2.3.4')?.operatorId).toBe('any4');
  });
});
