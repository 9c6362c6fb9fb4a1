import { createHash } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { APP_CALLBACK, authorizeUrl } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../test-support/otlp-receiver.js';

// Issue 17: one trace per verification, exported over OTLP/HTTP to a real receiver in this
// process; the aggregator runs in this process too, so the requests it sends are visible on
// undici's diagnostics channel.
let s: CoreStack;
let receiver: OtlpReceiver;
/** Request head lines undici sent (method + path + headers), e.g. to the sandboxes. */
const sent: string[] = [];
const onHeaders = (message: unknown) => {
  const m = message as {
    request: { origin: string; method: string; path: string };
    headers: string;
  };
  sent.push(`${m.request.method} ${m.request.origin}${m.request.path}\n${m.headers}`);
};

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  diagnosticsChannel.subscribe('undici:client:sendHeaders', onHeaders);
  s = await startCoreStack({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: 'switchboard-under-test',
  });
}, 90_000);
afterAll(async () => {
  diagnosticsChannel.unsubscribe('undici:client:sendHeaders', onHeaders);
  await s?.stop();
  await receiver?.close();
});

const STEPS = [
  'authorize',
  'telco_finder',
  'operator_redirect',
  'operator_callback',
  'operator_token',
  'token',
];
const CALL = 'number-verification verify';
const traceIdOf = (vid: string) => createHash('sha256').update(vid).digest('hex').slice(0, 32);
/** OTLP span kinds. */
const SERVER = 2;
const CLIENT = 3;

interface Verified {
  readonly vid: string;
  readonly token: string;
  readonly operatorToken: string;
  readonly jti: string;
  readonly spans: ReceivedSpan[];
}

/** A full nested verification of the device at `address`, then one NV call with its token. */
async function verify(
  address: string,
  phoneNumber: string,
  headers: Record<string, string> = {},
): Promise<Verified> {
  const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
  const { redirect } = await s.device(address, headers).follow(req.url, APP_CALLBACK);
  const code = redirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${redirect?.toString()}`);
  const minted = await s.tokenFor(s.secretApp, code, req.verifier);
  const claims = minted.claims as unknown as Record<string, string>;
  const token = String(minted.body.access_token);
  const res = await fetch(`${s.agg.publicUrl}/number-verification/v2/verify`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-correlator': 'trace-test-1',
    },
    body: JSON.stringify({ phoneNumber }),
  });
  expect(res.status).toBe(200);
  const vid = claims.vid!;
  await s.agg.flushVerifications();
  const ofVerification = (all: readonly ReceivedSpan[]) =>
    all.filter((x) => x.attributes['switchboard.verification_id'] === vid);
  await receiver.waitFor((all) => ofVerification(all).length >= STEPS.length + 1);
  return {
    vid,
    token,
    operatorToken: claims.operator_access_token!,
    jti: claims.jti!,
    spans: ofVerification(receiver.spans),
  };
}

describe('OpenTelemetry traces of a verification (OTLP/HTTP)', () => {
  let v: Verified;
  beforeAll(async () => {
    v = await verify('127.10.0.21', '+346001000021');
  }, 60_000);

  it('puts every step and the proxied call in one trace whose id comes from the verification id', () => {
    expect(v.spans.map((x) => x.name).sort()).toEqual([...STEPS, CALL].sort());
    expect(new Set(v.spans.map((x) => x.traceId))).toEqual(new Set([traceIdOf(v.vid)]));
  });

  it('links the spans: authorize is the root, every other step and the call are its children', () => {
    const root = v.spans.find((x) => x.name === 'authorize')!;
    expect(root.parentSpanId).toBe('');
    for (const span of v.spans.filter((x) => x !== root))
      expect({ name: span.name, parent: span.parentSpanId }).toEqual({
        name: span.name,
        parent: root.spanId,
      });
    expect(new Set(v.spans.map((x) => x.spanId)).size).toBe(v.spans.length);
  });

  it('carries client, operator, API, operation, outcome, x-correlator; kinds and the service name', () => {
    const call = v.spans.find((x) => x.name === CALL)!;
    expect(call.attributes).toMatchObject({
      'switchboard.client_id': s.secretApp.id,
      'switchboard.operator_id': 'sandbox-a',
      'switchboard.outcome': 'ok',
      'camara.api': 'number-verification',
      'camara.operation': 'verify',
      'camara.x_correlator': 'trace-test-1',
      'http.response.status_code': 200,
    });
    expect(call.kind).toBe(SERVER);
    const exchange = v.spans.find((x) => x.name === 'operator_token')!;
    expect(exchange.kind).toBe(CLIENT);
    expect(exchange.attributes['switchboard.operator_id']).toBe('sandbox-a');
    for (const span of v.spans) {
      expect(span.attributes['switchboard.client_id']).toBe(s.secretApp.id);
      expect(span.resource['service.name']).toBe('switchboard-under-test');
      expect(span.endTimeUnixNano >= span.startTimeUnixNano).toBe(true);
    }
  });

  it('never puts a token, secret, phone number or device address in a span attribute', () => {
    const secrets = [
      v.token,
      v.operatorToken,
      s.secretApp.method === 'secret' ? s.secretApp.secret : '',
      '+346001000021',
      '346001000021',
      '127.10.0.21',
    ].filter(Boolean);
    for (const span of receiver.spans)
      for (const [key, value] of Object.entries(span.attributes)) {
        const text = String(value);
        for (const secret of secrets)
          expect({ key, text }).not.toEqual({ key, text: expect.stringContaining(secret) });
        expect({ key, text }).not.toEqual({ key, text: expect.stringMatching(/\+?\d{8,}/) });
      }
  });

  it('sends W3C traceparent with the verification trace to the operator (token endpoint, CAMARA call)', () => {
    const sandbox = s.sandboxes[0]!.url;
    const traceparent = new RegExp(`traceparent: 00-${traceIdOf(v.vid)}-[0-9a-f]{16}-01`, 'i');
    const toOperator = sent.filter((h) => h.includes(sandbox) && traceparent.test(h));
    expect(toOperator.some((h) => h.startsWith('POST') && /\/token/.test(h.split('\n')[0]!))).toBe(
      true,
    );
    const call = v.spans.find((x) => x.name === CALL)!;
    expect(
      toOperator.some(
        (h) =>
          h.split('\n')[0]!.includes('/number-verification/v2/verify') &&
          h.toLowerCase().includes(`traceparent: 00-${call.traceId}-${call.spanId}-01`),
      ),
    ).toBe(true);
  });

  it('honours the app’s traceparent on /authorize: the verification joins the app’s trace', async () => {
    const appTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const appSpan = '00f067aa0ba902b7';
    const joined = await verify('127.10.0.22', '+346001000022', {
      traceparent: `00-${appTrace}-${appSpan}-01`,
    });
    expect(new Set(joined.spans.map((x) => x.traceId))).toEqual(new Set([appTrace]));
    expect(joined.spans.find((x) => x.name === 'authorize')!.parentSpanId).toBe(appSpan);
  }, 60_000);

  it('marks the failing step of a failed verification as an error span', async () => {
    const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
    const { redirect } = await s.device('127.30.0.21').follow(req.url, APP_CALLBACK);
    expect(redirect?.searchParams.get('error')).toBe('access_denied');
    await s.agg.flushVerifications();
    const failing = (all: readonly ReceivedSpan[]) =>
      all.filter((x) => x.name === 'telco_finder' && x.statusCode === 2);
    await receiver.waitFor((all) => failing(all).length > 0);
    const span = failing(receiver.spans)[0]!;
    expect(span.statusMessage).toBe('access_denied');
    expect(span.attributes['switchboard.outcome']).toBe('error');
    expect(span.attributes['switchboard.error']).toBe('access_denied');
  }, 60_000);
});
