// The nested-flow bench's second process: the aggregator alone (and the anchor flow hosted on its
// adapter), so its CPU time, queries and WAL are its own. Driven over IPC by bench/nested-flow.ts.
import { createDatabase } from '@switchboard/db';
import {
  registerApp,
  registerOperators,
  startTestAggregator,
} from '@switchboard/aggregator/test-support/core-fixture';
import { createFlowStatePools } from '../apps/aggregator/src/authorize/store/ephemeral-pool.js';
import { createOidcModelStore } from '../apps/aggregator/src/authorize/store/oidc-model-store.js';
import { startAnchor } from './nested-flow-anchor.js';
import { createProbe } from './nested-flow-probe.js';

/** Requests from the bench process; every one is answered with `{ id, result }` or `{ id, error }`. */
export type ProbeRequest =
  | { id: number; kind: 'register'; sandboxA: string; sandboxB: string }
  | { id: number; kind: 'snapshot' }
  | { id: number; kind: 'profile-start' }
  | { id: number; kind: 'profile-stop' }
  | { id: number; kind: 'stop' };

export interface Started {
  readonly kind: 'started';
  readonly issuer: string;
  readonly publicUrl: string;
  readonly anchor: string;
}

const url = process.env.BENCH_NESTED_DATABASE_URL ?? 'pglite:memory';
const probe = createProbe(url);
const database = await createDatabase(url, { poolMax: 10 });
const agg = await startTestAggregator(database);
// The anchor's store is built as authorize builds its own: the same pools and durability.
const anchorPools = createFlowStatePools(database.knex);
const anchor = await startAnchor(createOidcModelStore(anchorPools));
const send = (message: unknown) => process.send!(message);
send({ kind: 'started', issuer: agg.issuer, publicUrl: agg.publicUrl, anchor: anchor.issuer });

async function answer(req: ProbeRequest): Promise<unknown> {
  switch (req.kind) {
    case 'register':
      await registerOperators(agg, req.sandboxA, req.sandboxB);
      return registerApp(agg, 'key');
    case 'snapshot':
      return probe.snapshot();
    case 'profile-start':
      return probe.startProfile();
    case 'profile-stop':
      return probe.stopProfile(10);
    case 'stop':
      await anchor.close();
      await anchorPools.close();
      await agg.stop();
      await database.close();
      setImmediate(() => process.exit(0));
      return undefined;
  }
}

process.on('message', (req: ProbeRequest) => {
  answer(req).then(
    (result) => send({ id: req.id, result }),
    (err: unknown) => send({ id: req.id, error: String(err) }),
  );
});
