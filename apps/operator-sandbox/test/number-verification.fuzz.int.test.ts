import { createHash } from 'node:crypto';
import { expect } from '@jest/globals';
import fc from 'fast-check';
import { hostileValue } from '@switchboard/test-kit/test-support';
import { describeCamaraFuzz } from '../test-support/index.js';

// Hostile input (docs/security.md, "Hostile input"): the sandbox operator's own CAMARA NV API (what the proxy forwards
// to) with random bodies, headers and tokens. Never a 5xx, always a CAMARA body. The
// sandbox keeps no database: its persisted state file is compared before and after.
const NUMBER = '+346001000005';

const body = () =>
  fc.oneof(
    fc.record(
      {
        phoneNumber: fc.oneof(
          fc.constantFrom(NUMBER, NUMBER.slice(1)),
          fc.stringMatching(/^\+?[1-9][0-9]{4,14}$/),
          hostileValue(),
        ),
        hashedPhoneNumber: fc.oneof(
          fc.constant(createHash('sha256').update(NUMBER).digest('hex')),
          hostileValue(),
        ),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    ),
    hostileValue(),
  );

describeCamaraFuzz({
  title: 'sandbox CAMARA NV API under hostile input',
  property: 'never 5xx, answers NV or a CAMARA error, and changes no sandbox state',
  surface: 'sandbox operator CAMARA API',
  dataDirPrefix: 'sb-sandbox-fuzz-',
  deviceAddress: '127.10.0.5',
  threeLeggedScopes: ['number-verification:verify', 'number-verification-verify-read'],
  paths: [
    '/number-verification/v2/verify',
    '/number-verification/v0/verify',
    '/number-verification/v2/device-phone-number',
    '/number-verification/v0/device-phone-number',
    '/number-verification/v1/verify',
    '/number-verification/v2/verify/x',
  ],
  methods: ['POST', 'POST', 'GET', 'PUT', 'DELETE'],
  body,
  checkAnswer: (answer) => {
    expect(typeof answer.devicePhoneNumberVerified).toBe('boolean');
  },
});
