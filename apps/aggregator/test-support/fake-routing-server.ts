import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An operator's GSMA routing endpoint whose answer a test controls. */
export interface FakeRoutingServer {
  readonly url: string;
  /** The next answers: a routing table (JSON), raw text, or an HTTP status. */
  answer(a: { table: unknown } | { text: string } | { status: number }): void;
  /** User agents of the requests so far (Switchboard sends its instance id). */
  readonly agents: string[];
  close(): Promise<void>;
}

export async function startFakeRoutingServer(): Promise<FakeRoutingServer> {
  let current: { table: unknown } | { text: string } | { status: number } = { table: [] };
  const agents: string[] = [];
  const server = http.createServer((req, res) => {
    agents.push(String(req.headers['user-agent']));
    if ('status' in current) return void res.writeHead(current.status).end();
    const body = 'text' in current ? current.text : JSON.stringify(current.table);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/telco-routing/v1/routing`,
    answer: (a) => {
      current = a;
    },
    agents,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A GSMA OPG.10 table of one rule for `operatorId`. */
export const routingTable = (
  operatorId: string,
  routes: { ipv4?: string[]; ipv6?: string[]; msisdnPrefix?: string[]; network?: string[] },
) => [{ ...routes, static: { operatorId } }];
