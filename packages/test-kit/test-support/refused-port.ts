import net from 'node:net';

/** A port on `host` that refuses connections for as long as the test holds it. */
export interface RefusedPort {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly origin: string;
  release(): Promise<void>;
}

/**
 * A port that refuses connections (ECONNREFUSED) without hoping a freed port stays free.
 *
 * A port bound and then released may be taken by any process on the machine before the test
 * connects, and then it answers. Here the port is the local end of a connection the test
 * keeps open to a listener of its own: the port stays bound, so no one else can listen on it,
 * and since nothing listens on it, every connection to it is refused.
 */
export async function refusedPort(host = '127.0.0.1'): Promise<RefusedPort> {
  const server = net.createServer((socket) => socket.on('error', () => {}));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port: serverPort } = server.address() as net.AddressInfo;
  const holder = net.connect({ host, port: serverPort });
  await new Promise<void>((resolve, reject) => {
    holder.once('connect', resolve);
    holder.once('error', reject);
  });
  holder.on('error', () => {});
  const port = holder.localPort as number;
  return {
    host,
    port,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    release: async () => {
      holder.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
