import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../logger.js';
import { createNetworkIdentifier, pseudonymFor } from './network-identifier.js';
import { createSubscriberDirectory } from './subscriber-directory.js';

function identifier(trustedProxies: string[] = ['127.30.0.1', '10.1.0.0/16']) {
  const remembered = new Map<string, string>();
  const store = {
    secret: 'test-secret-test-secret-test-secret',
    rememberAccount: async (id: string, msisdn: string) => void remembered.set(id, msisdn),
  };
  const directory = createSubscriberDirectory([{ cidr: '127.10.0.0/16', msisdnPrefix: '+346001' }]);
  const network = createNetworkIdentifier({
    directory,
    store,
    headerEnrichment: { header: 'X-MSISDN', trustedProxies },
    logger: silentLogger,
  });
  return { network, remembered };
}

describe('network-based authentication', () => {
  it('identifies by source address with a pseudonymous, stable account id', async () => {
    const { network, remembered } = identifier();
    const a = await network.identify({ remoteAddress: '127.10.0.5', headers: {} });
    expect(a).toEqual({
      accountId: expect.stringMatching(/^sub-[\w-]{32}$/),
      msisdn: '+346001000005',
      method: 'source-ip',
    });
    expect(a!.accountId).not.toContain('346001');
    expect(
      (await network.identify({ remoteAddress: '::ffff:127.10.0.5', headers: {} }))!.accountId,
    ).toBe(a!.accountId);
    expect(remembered.get(a!.accountId)).toBe('+346001000005');
  });

  it('uses the enrichment header only from trusted proxies and only when it is E.164', async () => {
    const { network } = identifier();
    const header = { 'x-msisdn': '+34611111111' };
    expect(await network.identify({ remoteAddress: '127.30.0.1', headers: header })).toMatchObject({
      msisdn: '+34611111111',
      method: 'header-enrichment',
    });
    expect(await network.identify({ remoteAddress: '10.1.2.3', headers: header })).toMatchObject({
      method: 'header-enrichment',
    });
    expect(await network.identify({ remoteAddress: '127.10.0.9', headers: header })).toMatchObject({
      msisdn: '+346001000009',
    });
    expect(
      await network.identify({ remoteAddress: '127.99.0.1', headers: header }),
    ).toBeUndefined();
    expect(
      await network.identify({
        remoteAddress: '127.30.0.1',
        headers: { 'x-msisdn': '34611111111' },
      }),
    ).toBeUndefined();
    expect(
      await network.identify({
        remoteAddress: '127.30.0.1',
        headers: { 'x-msisdn': ['+34611111111', '+34622222222'] },
      }),
    ).toBeUndefined();
  });

  it('identifies nobody without an address', async () => {
    expect(
      await identifier().network.identify({ remoteAddress: undefined, headers: {} }),
    ).toBeUndefined();
  });

  it('derives different pseudonyms per operator secret', () => {
    expect(pseudonymFor('a', '+34600000001')).not.toBe(pseudonymFor('b', '+34600000001'));
  });
});
