// The cost of tracing on the CAMARA proxy's hot path (issue 17): POST /verify with wrk through
// Switchboard as the aggregator serves it (createPublicProxy in the public listener's front
// slot), three ways in the same run: tracing off (no OTEL_* set), on (every call a span,
// exported over OTLP/HTTP to a receiver in this process) and sampled (10 %, per verification).
// Rounds alternate the three; a ratio is the median of the per-round ratios (each against the
// off figure of its own round, measured seconds before), so drift on a shared machine weighs
// on all three alike.
// Standalone: `npx tsx bench/tracing.ts`; also a BenchModule (`run`) for bench/run.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { aggregatorTokenAudience, createTokenKeyring, generateTokenKey } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { loadConfig } from '../apps/aggregator/src/config.js';
import { createTrustedProxyCheck } from '../apps/aggregator/src/infra/http/device-ip.js';
import {
  bindListener,
  createPublicApp,
  createStartingApp,
} from '../apps/aggregator/src/infra/http/servers.js';
import { silentLogger } from '../apps/aggregator/src/infra/logging.js';
import { createOperatorEgress } from '../apps/aggregator/src/infra/egress/operator-egress.js';
import { createMetrics } from '../apps/aggregator/src/infra/metrics/metrics.js';
import { createRateLimits } from '../apps/aggregator/src/infra/rate-limit/rate-limits.js';
import { createTracing } from '../apps/aggregator/src/infra/tracing/tracing.js';
import { createPublicProxy } from '../apps/aggregator/src/proxy/create-public-proxy.js';
import { createVerificationObserver } from '../apps/aggregator/src/verifications/verification-observer.js';
import { startOtlpReceiver } from '../apps/aggregator/test-support/otlp-receiver.js';
import { runWrk, startUpstream } from './proxy.js';
import type { BenchContext, BenchRow } from './types.js';

const BENCH = 'tracing';
const DURATION_S = Number(process.env.BENCH_TRACING_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_TRACING_ROUNDS ?? 5);
const CONNECTIONS = 32;
/** Distinct verifications the calls belong to (one token each), so 10 % sampling has a spread. */
const VERIFICATIONS = 200;

/** Each request takes the next token: calls of many verifications. */
const wrkScript = (tokens: string[]) => `
local tokens = { ${tokens.map((t) => `"${t}"`).join(',\n')} }
local i = 0
wrk.method = "POST"
wrk.body = '{"phoneNumber":"+34600000000"}'
request = function()
  i = i % #tokens + 1
  return wrk.format(nil, nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i],
    ["x-correlator"] = "bench-call",
  })
end`;

/** Switchboard's public proxy as in app.ts, with tracing from these OTEL_* settings. */
async function startSwitchboard(upstreamUrl: string, otel: Record<string, string>) {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    PROXY_SINGLE_USE_TOKENS: 'false',
    RATE_LIMIT_PROXY_PER_IP: '1000000000',
    RATE_LIMIT_PROXY_PER_CLIENT: '1000000000',
    ...otel,
  });
  const limits = createRateLimits(config.rateLimit, {
    store: { add: async (_w, _e, deltas) => deltas, deleteExpired: async () => undefined },
  });
  const isTrustedProxy = createTrustedProxyCheck(config.trustProxy);
  const pub = await bindListener(
    config.host,
    config.port,
    config.http,
    createStartingApp(express.Router(), isTrustedProxy),
  );
  const egress = createOperatorEgress({ timeoutMs: config.operatorTimeoutMs, devMode: false });
  const operator = {
    id: 'bench-operator',
    issuerUrl: upstreamUrl,
    apiRoot: upstreamUrl,
    allowInsecureHttp: true,
  };
  const keyring = createTokenKeyring([generateTokenKey()]);
  const tracing = createTracing(config.tracing);
  const proxy = createPublicProxy(config, {
    issuer: pub.url,
    keys: { tokenKeyring: async () => keyring },
    jtiStore: { consume: async () => true, giveBack: async () => undefined },
    isRegisteredApiRoot: (operatorId, apiRoot) =>
      operatorId === operator.id && apiRoot === upstreamUrl,
    connections: (_operatorId, connectTimeoutMs) =>
      egress.proxyConnection(operator, connectTimeoutMs),
    usageSink: { insertBatch: async () => undefined },
    limits,
    metrics: createMetrics(),
    logger: silentLogger,
    observer: createVerificationObserver({ tracing }),
  });
  pub.serve(
    createPublicApp({
      health: express.Router(),
      routes: [],
      isTrustedProxy,
      reporting: { logger: silentLogger },
    }),
    proxy.front,
  );
  const iat = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(
    Array.from({ length: VERIFICATIONS }, (_, i) =>
      mintAggregatorAccessToken(
        {
          iss: pub.url,
          aud: aggregatorTokenAudience(pub.url),
          iat,
          exp: iat + 3_600,
          jti: `bench-token-${i}`,
          client_id: 'bench-client',
          scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
          sub: 'bench-subject',
          operator_id: operator.id,
          api_root: upstreamUrl,
          operator_access_token: 'operator-token',
          vid: `bench-verification-${i}`,
        },
        keyring,
      ),
    ),
  );
  return {
    url: `${pub.url}/number-verification/v2/verify`,
    tokens,
    /** Exports what the run left queued: its cost belongs to the run. */
    flush: () => tracing.forceFlush(),
    async stop() {
      await pub.close(0);
      await proxy.close();
      await tracing.shutdown();
      await egress.close();
      await limits.stop();
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  if (spawnSync('which', ['wrk']).status !== 0)
    throw new Error('wrk is not installed (apt-get install -y wrk)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-tracing-'));
  const upstream = await startUpstream();
  const receiver = await startOtlpReceiver({ decode: false });
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  const variants: [string, Record<string, string>][] = [
    ['off', {}],
    ['on', endpoint],
    [
      'sampled 10%',
      { ...endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
    ],
  ];
  const servers = await Promise.all(variants.map(([, env]) => startSwitchboard(upstream.url, env)));
  const rps = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  try {
    const scripts = servers.map((s, i) => {
      const file = path.join(dir, `${i}.lua`);
      fs.writeFileSync(file, wrkScript(s.tokens));
      return file;
    });
    for (let i = 0; i < servers.length; i += 1)
      await runWrk(servers[i]!.url, CONNECTIONS, scripts[i]!, 2); // warm-up
    for (let round = 0; round < ROUNDS; round += 1)
      for (let k = 0; k < servers.length; k += 1) {
        // Each round starts with another variant, so no variant always follows the same one.
        const i = (round + k) % servers.length;
        const name = variants[i]![0];
        const run = await runWrk(servers[i]!.url, CONNECTIONS, scripts[i]!, DURATION_S);
        // A run's spans still queued are exported now, and that time counts against the run.
        const flushStart = performance.now();
        await servers[i]!.flush();
        const seconds = run.requests / run.rps + (performance.now() - flushStart) / 1000;
        const value = run.requests / seconds;
        ctx.log(
          `wrk tracing ${name} c=${CONNECTIONS} round ${round + 1}: ${value.toFixed(0)} req/s`,
        );
        rps.get(name)!.push(value);
      }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await receiver.close();
    await upstream.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const offs = rps.get('off')!;
  const off = median(offs);
  const on = median(rps.get('on')!);
  const sampled = median(rps.get('sampled 10%')!);
  const ratio = (name: string) =>
    median(rps.get(name)!.map((value, round) => value / offs[round]!));
  const note = `median of ${ROUNDS} × ${DURATION_S}s, c=${CONNECTIONS}`;
  return [
    { bench: BENCH, metric: 'tracing off throughput', value: off, unit: 'req/s', note },
    { bench: BENCH, metric: 'tracing on throughput', value: on, unit: 'req/s', note },
    { bench: BENCH, metric: 'tracing 10% throughput', value: sampled, unit: 'req/s', note },
    { bench: BENCH, metric: 'tracing on / off', value: ratio('on'), unit: '×', target: '≥ 0.95' },
    {
      bench: BENCH,
      metric: 'tracing 10% / off',
      value: ratio('sampled 10%'),
      unit: '×',
      target: '≥ 0.95',
    },
    {
      bench: BENCH,
      metric: 'OTLP export requests received',
      value: receiver.requests,
      unit: 'requests',
      target: '≥ 1',
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const ctx: BenchContext = { gc: () => undefined, log: (l) => process.stderr.write(`${l}\n`) };
  for (const row of await run(ctx))
    process.stdout.write(`${row.metric}: ${row.value.toFixed(3)} ${row.unit}\n`);
}
