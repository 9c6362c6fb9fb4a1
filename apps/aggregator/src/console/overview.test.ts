import { describe, expect, it } from '@jest/globals';
import { buildOverview } from './overview.js';

const H1 = '2026-12-04T09:00:00.000Z';
const H2 = '2026-12-04T10:00:00.000Z';

describe('overview', () => {
  it('joins verifications and calls of the same hour × operator; rates null without traffic', () => {
    const o = buildOverview(
      [
        { kind: 'series', hour: H1, operatorId: 'a', verifications: 2, verificationsOk: 1 },
        { kind: 'series', hour: H2, operatorId: null, verifications: 1, verificationsOk: 0 },
        { kind: 'operator', hour: null, operatorId: 'a', verifications: 2, verificationsOk: 1 },
        { kind: 'operator', hour: null, operatorId: null, verifications: 1, verificationsOk: 0 },
        { kind: 'total', hour: null, operatorId: null, verifications: 3, verificationsOk: 1 },
      ],
      [
        { kind: 'series', hour: H1, operatorId: 'a', calls: 4, callsOk: 4, p50Ms: 10, p99Ms: 20 },
        { kind: 'series', hour: H2, operatorId: 'b', calls: 1, callsOk: 0, p50Ms: 5, p99Ms: 5 },
        {
          kind: 'operator',
          hour: null,
          operatorId: 'a',
          calls: 4,
          callsOk: 4,
          p50Ms: 10,
          p99Ms: 20,
        },
        { kind: 'operator', hour: null, operatorId: 'b', calls: 1, callsOk: 0, p50Ms: 5, p99Ms: 5 },
        { kind: 'total', hour: null, operatorId: null, calls: 5, callsOk: 4, p50Ms: 9, p99Ms: 19 },
      ],
    );
    expect(o.series).toEqual([
      {
        hour: H1,
        operatorId: 'a',
        verifications: 2,
        verificationsOk: 1,
        calls: 4,
        callsOk: 4,
        p50Ms: 10,
        p99Ms: 20,
      },
      {
        hour: H2,
        operatorId: 'b',
        verifications: 0,
        verificationsOk: 0,
        calls: 1,
        callsOk: 0,
        p50Ms: 5,
        p99Ms: 5,
      },
      {
        hour: H2,
        operatorId: null,
        verifications: 1,
        verificationsOk: 0,
        calls: 0,
        callsOk: 0,
        p50Ms: null,
        p99Ms: null,
      },
    ]);
    expect(o.operators.map((r) => r.operatorId)).toEqual(['a', 'b', null]);
    expect(o.totals).toEqual({
      verifications: 3,
      verificationsOk: 1,
      verificationSuccessRate: 0.3333,
      calls: 5,
      callsOk: 4,
      callSuccessRate: 0.8,
      p50Ms: 9,
      p99Ms: 19,
    });
    expect(buildOverview([], []).totals).toMatchObject({
      verificationSuccessRate: null,
      callSuccessRate: null,
      p50Ms: null,
    });
  });
});
