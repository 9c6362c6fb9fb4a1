// What the nested-flow bench reads inside the aggregator's process: its CPU time, every query
// it sends to PostgreSQL (counted on pg's Client, below knex, so every pool and every BEGIN or
// COMMIT is one round trip), the time it waits for them, the WAL the server wrote, and a CPU
// profile's top self-time frames.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';

export interface ProbeSnapshot {
  /** process.cpuUsage() user + system, ms. */
  readonly cpuMs: number;
  readonly queries: number;
  /** Timed batch queries (rate limiter, operator-leg scorecard), not any flow's. */
  readonly background: number;
  /** Sum of the queries' round-trip times as the aggregator sees them, ms. */
  readonly queryWaitMs: number;
  /** pg_current_wal_lsn() in bytes; undefined on PGlite. */
  readonly walBytes: number | undefined;
}

export interface ProfileFrame {
  readonly frame: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface Probe {
  snapshot(): Promise<ProbeSnapshot>;
  startProfile(): Promise<void>;
  /** The top `n` self-time frames and the share of each package, since startProfile. */
  stopProfile(n: number): Promise<{ frames: ProfileFrame[]; packages: ProfileFrame[] }>;
}

type Query = (...args: unknown[]) => unknown;

/** Installs the query counter on pg's Client; call before any connection is opened. */
export function createProbe(databaseUrl: string | undefined): Probe {
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  let queries = 0;
  let background = 0;
  let queryWaitMs = 0;
  proto.query = function counted(this: unknown, ...args: unknown[]) {
    const sql = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    // Timed batches, however many flows there are: the shared rate limiter's reconciliation
    // (RATE_LIMIT_SYNC_MS) and the operator-leg scorecard's (one insert a second). Counted
    // apart, not as any flow's round trips.
    if (sql && /rate_limit_counters|operator_leg_events/.test(sql)) {
      background += 1;
      return original.apply(this, args);
    }
    queries += 1;
    const started = performance.now();
    const done = () => {
      queryWaitMs += performance.now() - started;
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (...out: unknown[]) => {
        done();
        return (callback as Query)(...out);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) result.then(done, done);
    return result;
  };
  let wal: pg.Client | undefined;
  const session = new Session();

  async function walLsn(): Promise<number | undefined> {
    if (!databaseUrl?.startsWith('postgres')) return undefined;
    if (!wal) {
      wal = new pg.Client({ connectionString: databaseUrl });
      await wal.connect();
    }
    const sql = 'SELECT pg_current_wal_lsn()::text AS lsn';
    const res = (await (original as Query).call(wal, sql)) as { rows: { lsn: string }[] };
    const [high = '0', low = '0'] = res.rows[0]!.lsn.split('/');
    return parseInt(high, 16) * 2 ** 32 + parseInt(low, 16);
  }

  return {
    async snapshot() {
      const cpu = process.cpuUsage();
      const taken = { cpuMs: (cpu.user + cpu.system) / 1000, queries, background, queryWaitMs };
      return { ...taken, walBytes: await walLsn() };
    },
    async startProfile() {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    async stopProfile(n) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      if (process.env.BENCH_NESTED_PROFILE_OUT)
        writeFileSync(process.env.BENCH_NESTED_PROFILE_OUT, JSON.stringify(profile));
      return summarize(profile, n);
    },
  };
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

function summarize(profile: CpuProfile, n: number) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const inspector = new Set(
    profile.nodes
      .filter((n) => !n.callFrame.url && byId.get(parent.get(n.id) ?? -1)?.url === 'node:inspector')
      .map((n) => n.id),
  );
  const label = (f: CallFrame) =>
    `${f.functionName || '(anonymous)'} ${f.url ? `${where(f.url)}:${f.lineNumber + 1}` : '(native)'}`;
  // A native frame (a binding such as writev) is named with the JavaScript that called it.
  const name = (id: number, f: CallFrame) => {
    const caller = f.url ? undefined : byId.get(parent.get(id) ?? -1);
    return caller?.url ? `${label(f)} ← ${label(caller)}` : label(f);
  };
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  const samples = profile.samples ?? [];
  samples.forEach((id, i) => {
    const frame = byId.get(id);
    const us = profile.timeDeltas?.[i] ?? 0;
    // Idle time, and the profiler's own session (it runs on this thread), are not the flows'.
    if (!frame || frame.functionName === '(idle)' || inspector.has(id)) return;
    total += us;
    const key = name(id, frame);
    frames.set(key, (frames.get(key) ?? 0) + us);
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  });
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([frame, us]) => ({ frame, selfMs: us / 1000, share: us / Math.max(total, 1) }));
  return { frames: top(frames, n), packages: top(packages, 12) };
}

const where = (url: string) => {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(apps|packages|bench)\//, '$1/');
};

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node core';
  if (/\/(apps|packages)\//.test(url)) return 'switchboard';
  return 'other';
}
