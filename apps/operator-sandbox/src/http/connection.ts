import type { Request } from 'express';
import type { Connection } from '../services/network-identifier.js';

/** The network's view of a request: the TCP peer, never X-Forwarded-For. */
export function connectionOf(req: Request): Connection {
  return { remoteAddress: req.socket.remoteAddress, headers: req.headers };
}
