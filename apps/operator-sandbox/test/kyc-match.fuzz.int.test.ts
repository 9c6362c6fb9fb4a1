import { expect } from '@jest/globals';
import fc from 'fast-check';
import { KYC_MATCH_FIELDS, KYC_SCORED_FIELDS } from '@switchboard/camara';
import { hostileValue } from '@switchboard/test-kit/test-support';
import { describeCamaraFuzz } from '../test-support/index.js';

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's CAMARA KYC Match
// API with random bodies, headers and tokens (3-legged for Ana García's line, 2-legged, and
// broken ones). Never a 5xx, always KYC_MatchResponse or a CAMARA body; no state change.
const NUMBER = '+346001000005';

const property = () =>
  fc.oneof(
    fc.constantFrom('Ana', 'García López', 'Calle Mayor 1, 3º B', '28013', 'ES', 'FEMALE'),
    fc.constantFrom('1985-04-12', '1985-02-30', 'ana.garcia@example.com', 'MALE', ''),
    fc.string(),
    hostileValue(),
  );

const RESULTS = new Set(['true', 'false', 'not_available']);
const SCORES = new Set([...KYC_SCORED_FIELDS].map((f) => `${f}MatchScore`));
const MATCHES = new Set(KYC_MATCH_FIELDS.map((f) => `${f}Match`));

describeCamaraFuzz({
  title: 'sandbox CAMARA KYC Match API under hostile input',
  property: 'never 5xx, answers KYC_MatchResponse or a CAMARA error, and changes no sandbox state',
  surface: 'sandbox operator KYC Match API',
  dataDirPrefix: 'sb-sandbox-kyc-fuzz-',
  deviceAddress: '127.10.0.5',
  threeLeggedScopes: ['kyc-match:match'],
  twoLeggedScope: 'kyc-match:match',
  paths: [
    '/kyc-match/v0.3/match',
    '/kyc-match/v0.3/match',
    '/kyc-match/v0.3/match/x',
    '/kyc-match/v0.2/match',
    '/kyc-match/v0.3',
  ],
  methods: ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'],
  body: () =>
    fc.oneof(
      fc.record(
        {
          phoneNumber: fc.oneof(
            fc.constantFrom(NUMBER, '+346001000007', '+34699999999'),
            fc.stringMatching(/^\+?[0-9]{3,16}$/),
            hostileValue(),
          ),
          ...Object.fromEntries(KYC_MATCH_FIELDS.map((f) => [f, property()])),
          extra: hostileValue(),
        },
        { requiredKeys: [] },
      ),
      hostileValue(),
    ),
  checkAnswer: (answer) => {
    expect(Object.keys(answer).length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(answer)) {
      if (SCORES.has(key)) {
        expect(Number.isInteger(value)).toBe(true);
        expect(value as number).toBeGreaterThanOrEqual(0);
        expect(value as number).toBeLessThanOrEqual(100);
        expect(answer[key.slice(0, -'Score'.length)]).toBe('false');
      } else {
        expect(MATCHES.has(key)).toBe(true);
        expect(RESULTS.has(value as string)).toBe(true);
      }
    }
  },
});
