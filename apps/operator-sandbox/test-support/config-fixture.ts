import { expect } from '@jest/globals';
import { ConfigError } from '../src/config.js';

/**
 * A raw sandbox instance for config parsing tests: `sandbox-x`, camara scope style, fraud
 * prevention by consent, no subscribers, one `client_secret_basic` client; `extra` adds or
 * replaces fields.
 */
export const minimalInstance = (extra: Record<string, unknown> = {}) => ({
  id: 'sandbox-x',
  name: 'X',
  port: 0,
  scopeStyle: 'camara',
  purposes: { 'dpv:FraudPreventionAndDetection': 'consent' },
  subscribers: [] as unknown[],
  clients: [
    {
      clientId: 'c',
      clientName: 'C',
      redirectUris: ['http://127.0.0.1:1/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientSecret: 's'.repeat(16),
    },
  ],
  ...extra,
});

/** The message of the ConfigError `fn` throws; fails when it throws none or another error. */
export function configErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}
