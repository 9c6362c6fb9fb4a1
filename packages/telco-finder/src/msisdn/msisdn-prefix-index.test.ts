import { describe, expect, it } from '@jest/globals';
import { PrefixError } from './msisdn-prefix.js';
import { MsisdnPrefixIndex } from './msisdn-prefix-index.js';

describe('MsisdnPrefixIndex', () => {
  const index = MsisdnPrefixIndex.build([
    { operatorId: 'es-mno', prefix: '34' },
    { operatorId: 'es-mobile', prefix: '+346' },
    { operatorId: 'es-mvno', prefix: '34622' },
    { operatorId: 'uk-mno', prefix: '447' },
  ]);

  it.each([
    ['+34622123456', 'es-mvno', '34622'],
    ['+34611123456', 'es-mobile', '346'],
    ['+34911123456', 'es-mno', '34'],
    ['34622123456', 'es-mvno', '34622'],
    ['+447700900123', 'uk-mno', '447'],
  ])('%s → %s (%s)', (phoneNumber, operatorId, prefix) => {
    expect(index.lookup(phoneNumber)).toEqual({ operatorId, prefix });
  });

  it.each(['+33612345678', '+4420', '', 'abc', '+34', '+034622123456', '+34 622 123 456'])(
    'misses %j',
    (phoneNumber) => {
      expect(index.lookup(phoneNumber)).toBeUndefined();
    },
  );

  it('matches a prefix as long as the number itself', () => {
    const exact = MsisdnPrefixIndex.build([{ operatorId: 'one', prefix: '34600000001' }]);
    expect(exact.lookup('+34600000001')?.operatorId).toBe('one');
    expect(exact.lookup('+3460000000')).toBeUndefined();
  });

  it('lets the first route win for a repeated prefix and counts distinct prefixes', () => {
    const twice = MsisdnPrefixIndex.build([
      { operatorId: 'first', prefix: '346' },
      { operatorId: 'second', prefix: '+346' },
    ]);
    expect(twice.lookup('+34600000001')?.operatorId).toBe('first');
    expect(twice.size).toBe(1);
    expect(index.size).toBe(4);
  });

  it('throws PrefixError on an invalid prefix', () => {
    expect(() => MsisdnPrefixIndex.build([{ operatorId: 'x', prefix: '034' }])).toThrow(
      PrefixError,
    );
  });

  it('is empty when built from nothing', () => {
    expect(MsisdnPrefixIndex.empty().size).toBe(0);
    expect(MsisdnPrefixIndex.empty().lookup('+34600000001')).toBeUndefined();
  });

  it('never throws on values that are not strings', () => {
    expect(index.lookup(undefined as unknown as string)).toBeUndefined();
  });
});
