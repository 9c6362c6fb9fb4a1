import { describe, expect, it } from '@jest/globals';
import { ADMIN_ROUTE_BODIES, MAX_ROUTE_VALUES, routeSetSchema } from './route-contracts.js';

const messages = (r: { error?: { issues: Array<{ message: string }> } }) =>
  r.error?.issues.map((i) => i.message);

describe('route contracts', () => {
  it('names what is wrong with an operator API route set', () => {
    expect(messages(routeSetSchema.safeParse([]))).toEqual([
      'send an object with ranges, prefixes and/or networks',
    ]);
    expect(messages(routeSetSchema.safeParse({ ranges: [], cidrs: [] }))).toEqual([
      "unknown field 'cidrs'",
    ]);
    const tooMany = Array.from({ length: MAX_ROUTE_VALUES + 1 }, () => '10.0.0.0/8');
    expect(messages(routeSetSchema.safeParse({ ranges: tooMany }))).toEqual([
      'ranges must be a list of at most 10000 strings',
    ]);
    expect(messages(routeSetSchema.safeParse({ prefixes: ['+3460', 3460] }))).toEqual([
      'not a prefix: 3460',
    ]);
    expect(routeSetSchema.parse({ networks: ['21407'] })).toEqual({ networks: ['21407'] });
  });

  it('reads an admin route body per kind, its values under the kind’s own field', () => {
    const { ranges, networks } = ADMIN_ROUTE_BODIES;
    expect(messages(ranges.add.safeParse(['10.0.0.0/8']))).toEqual(['send a JSON object']);
    expect(messages(ranges.add.safeParse({ cidrs: ['10.0.0.0/8'] }))).toEqual([
      'operatorId is required',
    ]);
    expect(messages(ranges.add.safeParse({ operatorId: 'op-a', cidrs: '10.0.0.0/8' }))).toEqual([
      'cidrs must be a list of strings',
    ]);
    expect(ranges.remove.parse({ cidrs: ['10.0.0.0/8'] })).toEqual({ cidrs: ['10.0.0.0/8'] });
    // A network never overlaps: an admin body's allowOverlap is not part of it.
    expect(
      networks.add.parse({ operatorId: 'op-a', networks: ['21407'], allowOverlap: true }),
    ).toEqual({ operatorId: 'op-a', networks: ['21407'] });
  });
});
