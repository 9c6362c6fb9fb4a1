import express, { type Router } from 'express';

/** Liveness for scripts and the demo stack: `GET /health`. */
export function createHealthRouter(info: {
  readonly instanceId: string;
  readonly issuer: string;
}): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res
      .set('Cache-Control', 'no-store')
      .json({ status: 'ok', instance: info.instanceId, issuer: info.issuer });
  });
  return router;
}
