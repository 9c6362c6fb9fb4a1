import pg from 'pg';

export interface NotificationListener {
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const RECONNECT_DELAY_MS = 1_000;

/**
 * One dedicated connection for LISTEN (a pooled connection would be handed to other
 * queries). It reconnects by itself and reports reconnects, because notifications sent
 * while it was down are lost and the subscriber must resynchronise.
 */
export function createPostgresListener(url: string, onReconnect: () => void): NotificationListener {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    next.on('notification', (msg) => {
      handlers.get(msg.channel)?.forEach((h) => h(msg.payload ?? ''));
    });
    next.on('error', () => scheduleReconnect(next));
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    for (const channel of handlers.keys()) await next.query(`LISTEN ${quote(channel)}`);
    client = next;
    return next;
  }

  function scheduleReconnect(dead: pg.Client): void {
    if (closed || client !== dead || retryTimer) return;
    client = undefined;
    connecting = undefined;
    const attempt = () => {
      retryTimer = undefined;
      if (closed) return;
      connecting = connect();
      connecting.then(onReconnect, () => {
        connecting = undefined;
        retryTimer = setTimeout(attempt, RECONNECT_DELAY_MS);
        retryTimer.unref();
      });
    };
    retryTimer = setTimeout(attempt, RECONNECT_DELAY_MS);
    retryTimer.unref();
  }

  async function ready(): Promise<pg.Client> {
    if (client) return client;
    connecting ??= connect();
    return connecting;
  }

  return {
    async listen(channel, onPayload) {
      const set = handlers.get(channel) ?? new Set();
      const isNew = set.size === 0;
      set.add(onPayload);
      handlers.set(channel, set);
      const conn = await ready();
      if (isNew) await conn.query(`LISTEN ${quote(channel)}`);
      return async () => {
        set.delete(onPayload);
        if (set.size === 0 && client) {
          handlers.delete(channel);
          await client.query(`UNLISTEN ${quote(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
