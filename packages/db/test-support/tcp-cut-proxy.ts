import net from 'node:net';

/**
 * A TCP relay in front of a database server that a test can cut: new connections are refused
 * (the listener closes) and open ones are dropped, as when the server or its network goes away.
 * The real server is never touched. `restore()` listens on the same port again.
 */
export interface TcpCutProxy {
  /** `host:port` clients connect to. */
  readonly host: string;
  readonly port: number;
  /** Rewrites a `postgres://` URL to go through this relay. */
  via(url: string): string;
  /** Refuses new connections and drops every open one. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Connections relayed so far (accepted, not refused). */
  readonly accepted: number;
  readonly isCut: boolean;
  close(): Promise<void>;
}

export async function startTcpCutProxy(
  target: { host: string; port: number },
  listenHost = '127.0.0.1',
): Promise<TcpCutProxy> {
  const open = new Set<net.Socket>();
  let accepted = 0;
  let server: net.Server | undefined;
  let port = 0;

  const relay = (client: net.Socket) => {
    accepted += 1;
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      // An error on one side ends both: the client sees a dropped connection, as for real.
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = net.createServer(relay);
      next.once('error', reject);
      next.listen(port, listenHost, () => {
        port = (next.address() as net.AddressInfo).port;
        server = next;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
    });

  const dropAll = () => {
    for (const s of open) s.destroy();
    open.clear();
  };

  await listen();
  return {
    host: listenHost,
    get port() {
      return port;
    },
    via(url) {
      const u = new URL(url);
      u.hostname = listenHost;
      u.port = String(port);
      return u.toString();
    },
    async cut() {
      const closing = stopListening();
      dropAll();
      await closing;
    },
    async restore() {
      if (!server) await listen();
    },
    get accepted() {
      return accepted;
    },
    get isCut() {
      return server === undefined;
    },
    async close() {
      const closing = stopListening();
      dropAll();
      await closing;
    },
  };
}
