import { expect } from '@jest/globals';
import fc from 'fast-check';
import { hostileValue } from '@switchboard/test-kit/test-support';
import { describeCamaraFuzz } from '../test-support/index.js';

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's CAMARA Location
// Verification API with random bodies, headers and tokens (three- and two-legged). Never a
// 5xx, always a CAMARA body or a well-formed VerifyLocationResponse; no sandbox state changes.
const SCOPE = 'location-verification:verify';

const number = () =>
  fc.oneof(
    fc.constantFrom('+346001000005', '+346001000006', '+346001000007', '+346001000008'),
    fc.stringMatching(/^\+?[1-9][0-9]{4,14}$/),
    hostileValue(),
  );
const latitude = () => fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), hostileValue());
const longitude = () => fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), hostileValue());

const body = () =>
  fc.oneof(
    fc.record(
      {
        device: fc.oneof(
          fc.record(
            {
              phoneNumber: number(),
              networkAccessIdentifier: fc.oneof(fc.emailAddress(), hostileValue()),
              ipv4Address: fc.oneof(
                fc.record(
                  {
                    publicAddress: fc.oneof(fc.ipV4(), hostileValue()),
                    privateAddress: fc.oneof(fc.ipV4(), hostileValue()),
                    publicPort: fc.oneof(fc.integer({ min: -1, max: 70_000 }), hostileValue()),
                  },
                  { requiredKeys: [] },
                ),
                hostileValue(),
              ),
              ipv6Address: fc.oneof(fc.ipV6(), hostileValue()),
            },
            { requiredKeys: [] },
          ),
          hostileValue(),
        ),
        area: fc.oneof(
          fc.record(
            {
              areaType: fc.oneof(fc.constantFrom('CIRCLE', 'POLYGON'), hostileValue()),
              center: fc.oneof(
                fc.record({ latitude: latitude(), longitude: longitude() }, { requiredKeys: [] }),
                hostileValue(),
              ),
              radius: fc.oneof(fc.double({ min: -10, max: 1e8, noNaN: true }), hostileValue()),
            },
            { requiredKeys: [] },
          ),
          hostileValue(),
        ),
        maxAge: fc.oneof(fc.integer({ min: -10, max: 1e6 }), hostileValue()),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

describeCamaraFuzz({
  title: 'sandbox CAMARA Location Verification API under hostile input',
  property:
    'never 5xx, answers a VerifyLocationResponse or a CAMARA error, and changes no sandbox state',
  surface: 'sandbox operator CAMARA API',
  dataDirPrefix: 'sb-sandbox-lv-fuzz-',
  deviceAddress: '127.10.0.5',
  threeLeggedScopes: [SCOPE],
  twoLeggedScope: SCOPE,
  paths: [
    '/location-verification/v3/verify',
    '/location-verification/v3/verify',
    '/location-verification/v2/verify',
    '/location-verification/v3/verify/x',
  ],
  methods: ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'],
  body,
  validTokenWeight: 2,
  checkAnswer: (answer) => {
    expect(['TRUE', 'FALSE', 'PARTIAL']).toContain(answer.verificationResult);
    expect(typeof answer.lastLocationTime).toBe('string');
    if (answer.verificationResult === 'PARTIAL') {
      expect(answer.matchRate).toBeGreaterThanOrEqual(1);
      expect(answer.matchRate).toBeLessThanOrEqual(99);
    } else {
      expect(answer).not.toHaveProperty('matchRate');
    }
  },
});
