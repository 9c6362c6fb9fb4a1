import { describe, expect, it } from '@jest/globals';
import { parseRoute } from './route.js';

describe('parseRoute', () => {
  it('maps /console and /console/ to the overview', () => {
    expect(parseRoute('/console')).toEqual({ page: 'overview' });
    expect(parseRoute('/console/')).toEqual({ page: 'overview' });
  });

  it('maps each page of the contract', () => {
    for (const page of ['overview', 'operators', 'apps', 'audit', 'verifications'] as const) {
      expect(parseRoute(`/console/${page}`)).toEqual({ page });
    }
  });

  it('reads a verification id, decoded', () => {
    expect(parseRoute('/console/verifications/v%3A1')).toEqual({ page: 'verification', id: 'v:1' });
  });

  it('knows no other page', () => {
    expect(parseRoute('/console/nope')).toEqual({ page: 'not-found' });
    expect(parseRoute('/console/verifications/a/b')).toEqual({ page: 'not-found' });
    expect(parseRoute('/console/apps/x')).toEqual({ page: 'not-found' });
  });
});
