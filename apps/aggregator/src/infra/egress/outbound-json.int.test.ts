import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpstreamError } from '@switchboard/telco-finder';
import {
  startCountingServer,
  tableResolver,
  type CountingServer,
} from '../../../test-support/guarded-network.js';
import { createOperatorEgress } from './operator-egress.js';
import { createOutboundJson } from './outbound-json.js';

// The SSRF guard of outbound requests to operator-chosen URLs (routing tables, discovery
// documents), over a real socket on loopback. Name resolution is a table here, standing in
// for DNS: `rebind.example` is a public-looking name that resolves to loopback.
let target: CountingServer;
beforeAll(async () => {
  target = await startCountingServer('{"ok":true}');
});
afterAll(() => target.close());

const DNS: Record<string, string[]> = {
  'rebind.example': ['127.0.0.1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'mixed.example': ['93.184.215.14', '10.1.2.3'],
  'metadata.example': ['169.254.169.254'],
  // Embedded IPv4 forms: IPv4-compatible (RFC 4291 §2.5.5.1) and NAT64 (RFC 6052).
  'compatible.example': ['::a9fe:a9fe'],
  'nat64.example': ['64:ff9b::7f00:1'],
};
const table = tableResolver(DNS);
const egresses = [false, true].map((devMode) =>
  createOperatorEgress({ timeoutMs: 2_000, devMode, network: { resolve: table } }),
);
afterAll(() => Promise.all(egresses.map((e) => e.close())));
const outbound = (devMode: boolean) =>
  createOutboundJson({
    egress: egresses[devMode ? 1 : 0]!.operatorChosen,
    timeoutMs: 2_000,
    userAgent: 'test',
  });

describe('outbound JSON to operator URLs: SSRF guard', () => {
  it.each([
    'rebind.example',
    'mapped.example',
    'mixed.example',
    'metadata.example',
    'compatible.example',
    'nat64.example',
  ])(
    'refuses %s, whose name resolves to a special-purpose address, without connecting',
    async (host) => {
      const before = target.hits();
      const err = await outbound(false)(`http://${host}:${target.port}/table`).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `^cannot reach http://${host}:${target.port}/table: ${host} resolves to \\S+, a loopback or private address \\(allowed only with OPERATOR_DEV_MODE\\)$`,
        ),
      );
      expect(target.hits()).toBe(before);
    },
  );

  it('refuses a literal loopback address before any connection', async () => {
    const before = target.hits();
    await expect(outbound(false)(`http://127.0.0.1:${target.port}/`)).rejects.toThrow(
      /127\.0\.0\.1 is a loopback or private host \(allowed only with OPERATOR_DEV_MODE\)/,
    );
    expect(target.hits()).toBe(before);
  });

  it.each(['localhost.', 'api.localhost', 'api.localhost.'])(
    'refuses the RFC 6761 name %s before any lookup',
    async (host) => {
      const before = target.hits();
      await expect(outbound(false)(`http://${host}:${target.port}/`)).rejects.toThrow(
        `${host} is a loopback or private host (allowed only with OPERATOR_DEV_MODE)`,
      );
      expect(target.hits()).toBe(before);
    },
  );

  it('reports a name that does not resolve', async () => {
    await expect(outbound(false)(`http://nowhere.example:${target.port}/`)).rejects.toThrow(
      `cannot reach http://nowhere.example:${target.port}/: ENOTFOUND`,
    );
  });

  it('in development mode connects to what the name resolves to (the sandboxes on loopback)', async () => {
    const before = target.hits();
    await expect(outbound(true)(`http://rebind.example:${target.port}/table`)).resolves.toEqual({
      ok: true,
    });
    expect(target.hits()).toBe(before + 1);
  });
});
