import { describe, expect, it } from '@jest/globals';
import { isKnownWarning, withoutKnownWarnings } from './known-warnings.js';

describe('known warnings', () => {
  const runtime =
    'oidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release.';

  it('drops only the exact known lines, in colour or not', () => {
    expect(isKnownWarning(`\x1b[31;1m${runtime}\x1b[0m`)).toBe(true);
    expect(isKnownWarning('oidc-provider WARNING: something else')).toBe(false);
    expect(withoutKnownWarnings(`a real error\n${runtime}\nanother one\n`)).toBe(
      'a real error\nanother one\n',
    );
  });
});
