import { expect } from '@jest/globals';
import fc from 'fast-check';
import { hostileValue } from '@switchboard/test-kit/test-support';
import { describeCamaraFuzz } from '../test-support/index.js';

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's CAMARA SIM Swap
// API with random bodies, headers and tokens, three- and two-legged. Never a 5xx, always a
// SIM Swap answer or a CAMARA body; the persisted state file is compared before and after.
const SWAPPED = '+346001000007';
const SCOPE = 'sim-swap:check sim-swap:retrieve-date';

describeCamaraFuzz({
  title: 'sandbox CAMARA SIM Swap API under hostile input',
  property: 'never 5xx, answers SIM Swap or a CAMARA error, and changes no sandbox state',
  surface: 'sandbox operator SIM Swap API',
  dataDirPrefix: 'sb-simswap-fuzz-',
  deviceAddress: '127.10.0.7',
  threeLeggedScopes: [SCOPE],
  twoLeggedScope: SCOPE,
  paths: [
    '/sim-swap/v2/check',
    '/sim-swap/v2/retrieve-date',
    '/sim-swap/v1/check',
    '/sim-swap/v2/check/x',
    '/sim-swap/v2/',
  ],
  methods: ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'],
  body: () =>
    fc.oneof(
      fc.record(
        {
          phoneNumber: fc.oneof(
            fc.constantFrom(SWAPPED, '+346001000005', '+346001000099', '+346009999999'),
            fc.stringMatching(/^\+?[1-9][0-9]{4,14}$/),
            hostileValue(),
          ),
          maxAge: fc.oneof(fc.integer({ min: -5, max: 3000 }), fc.double(), hostileValue()),
          extra: hostileValue(),
        },
        { requiredKeys: [] },
      ),
      hostileValue(),
    ),
  checkAnswer: (answer, path) => {
    if (path.endsWith('/check')) expect(answer).toEqual({ swapped: expect.any(Boolean) });
    else {
      const { latestSimChange, monitoredPeriod, ...rest } = answer;
      expect(rest).toEqual({});
      expect(latestSimChange === null || typeof latestSimChange === 'string').toBe(true);
      expect(monitoredPeriod === undefined || monitoredPeriod === 90).toBe(true);
    }
  },
});
