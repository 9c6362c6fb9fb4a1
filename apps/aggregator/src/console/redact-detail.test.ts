import { describe, expect, it } from '@jest/globals';
import { redactDetail } from './redact-detail.js';

describe('audit detail redaction', () => {
  it('masks secret-looking fields at any depth and keeps the rest', () => {
    expect(
      redactDetail({
        name: 'X',
        before: { clientSecret: 's3cret', privateJwk: { d: 'x' }, apiRoot: 'https://a' },
        items: [{ phoneNumber: '+34600000001', prefix: '+3460' }],
      }),
    ).toEqual({
      name: 'X',
      before: { clientSecret: '[redacted]', privateJwk: '[redacted]', apiRoot: 'https://a' },
      items: [{ phoneNumber: '[redacted]', prefix: '+3460' }],
    });
  });
});
