import { describe, expect, it } from '@jest/globals';
import type { Operator, TelcoFinder } from '@switchboard/telco-finder';
import type { AuthorizationGateway, PendingAuthorization } from '../oidc/interaction-gateway.js';
import type { OperatorGrants } from '../operator-grants.js';
import type { OperatorFlowRow } from '../store/operator-flow-store.js';
import { createNestedFlow, type PresentedBinding } from './nested-flow.js';
import type { OperatorClient } from './operator-client.js';

const OPERATOR = {
  id: 'op-x',
  name: 'Operator X Telecom',
  status: 'active',
  scopeStyle: 'camara',
  apiRoot: 'https://api.op-x.example',
  supportedApis: [] as Operator['supportedApis'],
} as Operator;

const PENDING: PendingAuthorization = {
  uid: 'uid-1',
  clientId: 'app',
  scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
  promptNone: true,
  loginHint: undefined,
  loginHintSigned: false,
};

/** The flow with in-memory fakes; records what reached the app, the operator and the log. */
function world() {
  const rows = new Map<string, OperatorFlowRow>();
  const failures: Array<{ uid: string; error: string; description: string }> = [];
  const exchanges: string[] = [];
  const logged: Array<[string, Record<string, unknown> | undefined]> = [];
  const log = (message: string, meta?: Record<string, unknown>) => logged.push([message, meta]);
  const flow = createNestedFlow({
    finder: { lookupIp: () => ({ operator: OPERATOR }) } as unknown as TelcoFinder,
    operator: async () => OPERATOR,
    operatorClient: {
      authorizationUrl: async (_op, r) =>
        new URL(`https://op-x.example/authorize?state=${r.state}`),
      revoke: async () => false,
      exchange: async (_op, url) => {
        exchanges.push(url.href);
        return { accessToken: 'at', expiresIn: 60, sub: 'sub', amr: undefined, acr: undefined };
      },
    } as Omit<OperatorClient, 'backend'> as OperatorClient,
    flows: {
      save: async (row) => {
        for (const [state, r] of rows)
          if (r.interaction_uid === row.interaction_uid) rows.delete(state);
        rows.set(row.state, row);
      },
      take: async (state) => {
        const row = rows.get(state);
        rows.delete(state);
        return row;
      },
    },
    grants: {
      seal: (g: { grantId: string }) => ({ grant_id: g.grantId }),
    } as unknown as OperatorGrants,
    interactions: {
      fail: async (uid: string, error: string, description: string) => {
        failures.push({ uid, error, description });
        return `https://sb.example/auth/${uid}`;
      },
      draftGrant: async () => ({ id: 'grant-1', payload: {}, expiresAt: new Date() }),
      signIn: async (uid: string) => `https://sb.example/auth/${uid}`,
    } as unknown as AuthorizationGateway,
    pairwiseSecret: Buffer.alloc(32),
    flowTtlSeconds: 600,
    logger: { info: log, warn: log, error: log },
  });
  return { flow, rows, failures, exchanges, logged };
}

async function started(w: ReturnType<typeof world>) {
  const { url, binding } = await w.flow.start(PENDING, '192.0.2.1');
  const state = new URL(url!).searchParams.get('state')!;
  return { binding: binding!, state };
}

const callback = (query: string) => new URL(`https://sb.example/operator-callback?${query}`);
const holding =
  (value: string | undefined): PresentedBinding =>
  (uid) =>
    uid === 'uid-1' ? value : undefined;

describe('nested flow: the browser binding (RFC 6749 §10.12)', () => {
  it('stores only the SHA-256 of the binding it hands to the browser', async () => {
    const w = world();
    const { binding, state } = await started(w);
    expect(binding).toMatchObject({ interactionUid: 'uid-1', maxAgeSeconds: 600 });
    expect(binding.value).toMatch(/^[\w-]{43}$/);
    const row = w.rows.get(state)!;
    expect(Buffer.from(row.binding_hash).toString('base64url')).not.toBe(binding.value);
    expect(Buffer.from(row.binding_hash)).toHaveLength(32);
  });

  it.each([
    ['no binding', undefined],
    ['a wrong binding', 'A'.repeat(43)],
  ])(
    'a callback with %s spends the flow, exchanges nothing and ends the interaction with access_denied',
    async (_, presented) => {
      const w = world();
      const { state } = await started(w);
      const outcome = await w.flow.complete(callback(`state=${state}&code=c`), holding(presented));
      expect(outcome).toEqual({ kind: 'other-browser', interactionUid: 'uid-1' });
      expect(w.exchanges).toEqual([]);
      expect(w.rows.size).toBe(0);
      expect(w.failures).toEqual([
        { uid: 'uid-1', error: 'access_denied', description: expect.stringMatching(/browser/) },
      ]);
    },
  );

  it('completes with the binding of the last start of the interaction only', async () => {
    const w = world();
    const first = await started(w);
    const last = await started(w);
    expect(w.rows.size).toBe(1);
    const stale = await w.flow.complete(
      callback(`state=${first.state}&code=c`),
      holding(last.binding.value),
    );
    expect(stale).toEqual({ kind: 'unknown-state' });
    const done = await w.flow.complete(
      callback(`state=${last.state}&code=c`),
      holding(last.binding.value),
    );
    expect(done).toEqual({
      kind: 'redirect',
      url: 'https://sb.example/auth/uid-1',
      interactionUid: 'uid-1',
    });
    expect(w.exchanges).toHaveLength(1);
    expect(w.failures).toEqual([]);
  });
});

describe('nested flow: the app learns what happened, not which operator', () => {
  it("logs the operator's own text and gives the app a fixed description", async () => {
    const w = world();
    const { binding, state } = await started(w);
    const said = 'Operator X Telecom: line +34 600 000 001 has not consented';
    await w.flow.complete(
      callback(
        `state=${state}&error=consent_required&error_description=${encodeURIComponent(said)}`,
      ),
      holding(binding.value),
    );
    const failure = w.failures[0]!;
    expect(failure.error).toBe('consent_required');
    expect(failure.description).not.toMatch(/Operator X|op-x|has not consented/);
    const [, meta] = w.logged.find(([message]) => message === 'operator refused')!;
    expect(meta).toMatchObject({
      operatorId: 'op-x',
      error: 'consent_required',
      description: 'Operator X Telecom: line [number] has not consented',
    });
  });
});
