import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resolve } from '../src/infra/egress/host-guard.js';

/** A JSON endpoint on loopback that counts requests: shows whether a guarded connection got through. */
export interface CountingServer {
  readonly port: number;
  hits(): number;
  close(): Promise<void>;
}

export async function startCountingServer(body: string): Promise<CountingServer> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits += 1;
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Name resolution from a table, standing in for DNS; any other name is ENOTFOUND. */
export function tableResolver(table: Readonly<Record<string, readonly string[]>>): Resolve {
  return (hostname, _options, callback) => {
    const addresses = table[hostname];
    if (!addresses)
      return callback(Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}
