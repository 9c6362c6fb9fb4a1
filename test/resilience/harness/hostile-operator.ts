import {
  destroyConnection,
  hugeBody,
  hugeHeaders,
  json,
  malformedHttp,
  malformedJson,
  redirect,
  slowHeaders,
  startFakeUpstream,
  tricklingBody,
  type Behaviour,
} from '@switchboard/aggregator/test-support/fake-upstream';

/**
 * An operator API that misbehaves on request: the behaviour is named by the x-correlator the
 * app sent (`<behaviour>-<n>`), which Switchboard forwards unchanged. Anything else is a good
 * Number Verification answer.
 */
export interface HostileOperator {
  readonly url: string;
  close(): Promise<void>;
}

export const HOSTILE_BEHAVIOURS: Record<string, Behaviour> = {
  trickle: tricklingBody(100, 100_000),
  'slow-headers': slowHeaders(10_000),
  'huge-body': hugeBody(32 * 1_048_576, true),
  'endless-body': hugeBody(32 * 1_048_576, false),
  'malformed-json': malformedJson,
  'malformed-http': malformedHttp,
  'huge-headers': hugeHeaders,
  redirect: redirect('http://169.254.169.254/latest/meta-data/'),
  'dropped-connection': destroyConnection,
};

const good = json(200, { devicePhoneNumberVerified: true });

export async function startHostileOperator(): Promise<HostileOperator> {
  const upstream = await startFakeUpstream();
  upstream.behave((req, res, body) => {
    upstream.received.length = 0;
    const correlator = String(req.headers['x-correlator'] ?? '');
    const name = correlator.replace(/^rs-hostile-/, '').replace(/-\d+$/, '');
    (HOSTILE_BEHAVIOURS[name] ?? good)(req, res, body);
  });
  return { url: upstream.origin, close: () => upstream.close() };
}
