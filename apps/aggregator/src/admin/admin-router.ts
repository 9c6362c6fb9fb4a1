import { isIP } from 'node:net';
import readline from 'node:readline';
import express, { type Router } from 'express';
import { isE164 } from '@switchboard/camara';
import {
  ADMIN_ROUTE_BODIES,
  type LookupResult,
  type OperatorCapabilities,
  type RouteKind,
} from '@switchboard/contracts';
import {
  type AddOptions,
  importPrefixes,
  importRanges,
  InputError,
  NotFoundError,
  UpstreamError,
  type Actor,
  type OperatorService,
  type RouteService,
  type RoutingContext,
  type RoutingIndex,
} from '@switchboard/telco-finder';
import { parseRequest } from '../infra/parse-request.js';
import type { AdminTokens } from './admin-tokens.js';
import { requireAdminToken } from './admin-auth.js';
import { mountClientAdmin, type ClientAdminDeps } from '../clients/admin-clients-router.js';
import { mountUsageAdmin, type UsageAdminDeps } from '../usage/admin-usage-router.js';
import {
  mountConformanceAdmin,
  type ConformanceAdminDeps,
} from '../conformance/admin-conformance-router.js';
import {
  mountSelfServiceAdmin,
  type SelfServiceAdminDeps,
} from '../operator-api/admin-self-service-router.js';

export interface AdminRouterDeps {
  operators: OperatorService;
  routes: RouteService;
  routingContext: RoutingContext;
  index: RoutingIndex;
  tokens: AdminTokens;
  /** Clients and token keys. */
  core: ClientAdminDeps;
  /** Usage reports of proxied calls. */
  usage: UsageAdminDeps['usage'];
  /** Operator self-service administration. */
  selfService: Omit<SelfServiceAdminDeps, 'operators' | 'clients'>;
  /** An operator's backend flows, read from its discovery document now. */
  backendCapabilities: (operatorId: string) => Promise<OperatorCapabilities>;
  /** The operator conformance check and the scorecard. */
  conformance: ConformanceAdminDeps['conformance'];
}

const ADMIN: Actor = { kind: 'admin', id: 'admin-api' };

/** Admin API v1: what the `switchboard` CLI talks to. JSON in and out; CSV for imports. */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const router = express.Router();
  router.use(requireAdminToken(deps.tokens));
  router.use(express.json({ limit: '5mb' }));

  router.get('/operators', async (_req, res) => {
    res.json({ items: await deps.operators.list() });
  });
  router.post('/operators', async (req, res) => {
    res.status(201).json(await deps.operators.create(req.body, ADMIN));
  });
  router.get('/operators/:id', async (req, res) => {
    res.json(await deps.operators.get(req.params.id!));
  });
  router.get('/operators/:id/capabilities', async (req, res) => {
    const id = req.params.id!;
    await deps.operators.get(id);
    let capabilities: OperatorCapabilities;
    try {
      capabilities = await deps.backendCapabilities(id);
    } catch (err) {
      throw new UpstreamError(
        `the discovery document of operator ${id} could not be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    res.json(capabilities);
  });
  router.patch('/operators/:id', async (req, res) => {
    res.json(await deps.operators.update(req.params.id!, req.body, ADMIN));
  });
  router.post('/operators/:id/disable', async (req, res) => {
    res.json(await deps.operators.setStatus(req.params.id!, 'disabled', ADMIN));
  });
  router.post('/operators/:id/enable', async (req, res) => {
    res.json(await deps.operators.setStatus(req.params.id!, 'active', ADMIN));
  });
  router.delete('/operators/:id', async (req, res) => {
    await deps.operators.remove(req.params.id!, { force: req.query.force === 'true' }, ADMIN);
    res.status(204).end();
  });

  mountRouteKind(router, 'ranges', {
    add: (op, values, allow, dynamic) =>
      deps.routes.addRanges(op, values, { allowOverlap: allow, ...dynamic }, ADMIN),
    remove: (values, op) => deps.routes.removeRanges(values, ADMIN, op),
    list: (op) => deps.routes.listRanges(op),
    import: (lines, allow) =>
      importRanges(deps.routingContext, lines, { allowOverlap: allow }, ADMIN),
  });
  mountRouteKind(router, 'prefixes', {
    add: (op, values, allow, dynamic) =>
      deps.routes.addPrefixes(op, values, { allowOverlap: allow, ...dynamic }, ADMIN),
    remove: (values, op) => deps.routes.removePrefixes(values, ADMIN, op),
    list: (op) => deps.routes.listPrefixes(op),
    import: (lines, allow) =>
      importPrefixes(deps.routingContext, lines, { allowOverlap: allow }, ADMIN),
  });
  mountRouteKind(router, 'networks', {
    add: (op, values, _allow, dynamic) => deps.routes.addNetworks(op, values, ADMIN, dynamic),
    remove: (values, op) => deps.routes.removeNetworks(values, ADMIN, op),
    list: (op) => deps.routes.listNetworks(op),
  });

  router.get('/lookup', (req, res) => {
    const { ip, phoneNumber } = req.query;
    if (typeof ip === 'string' && ip) {
      // Found by the fuzz suite: garbage was answered "no operator serves address <garbage>".
      if (isIP(ip) === 0)
        throw new InputError(`malformed IP address '${ip}' (e.g. 10.1.2.3 or 2001:db8::1)`);
      return res.json(lookupResult(deps.index.lookupIp(ip), `address ${ip}`));
    }
    if (typeof phoneNumber === 'string' && phoneNumber) {
      if (!isE164(phoneNumber)) {
        throw new InputError(
          `malformed phone number '${phoneNumber}' (E.164 with '+', e.g. +34600000001)`,
        );
      }
      return res.json(
        lookupResult(deps.index.lookupPhoneNumber(phoneNumber), `number ${phoneNumber}`),
      );
    }
    throw new InputError('give ip or phoneNumber');
  });
  router.get('/index', (_req, res) => {
    res.json(deps.index.stats());
  });
  mountClientAdmin(router, deps.core);
  mountUsageAdmin(router, { usage: deps.usage });
  mountConformanceAdmin(router, { conformance: deps.conformance, operators: deps.operators });
  mountSelfServiceAdmin(
    router,
    { ...deps.selfService, operators: deps.operators, clients: deps.core.clients },
    ADMIN,
  );
  return router;
}

interface RouteKindHandlers {
  add(
    operatorId: string,
    values: string[],
    allowOverlap: boolean,
    dynamic: Pick<AddOptions, 'dynamic'>,
  ): Promise<string[]>;
  remove(values: string[], operatorId?: string): Promise<string[]>;
  list(operatorId?: string): Promise<unknown[]>;
  import?(lines: AsyncIterable<string>, allowOverlap: boolean): Promise<unknown>;
}

function mountRouteKind(router: Router, kind: RouteKind, h: RouteKindHandlers): void {
  const bodies = ADMIN_ROUTE_BODIES[kind];
  router.get(`/${kind}`, async (req, res) => {
    res.json({ items: await h.list(optionalString(req.query.operator)) });
  });
  router.post(`/${kind}`, async (req, res) => {
    const body = parseRequest(bodies.add, req.body);
    if (body.authProviderConfiguration !== undefined && body.telcoFinder === undefined)
      throw new InputError('authProviderConfiguration is only for a dynamic route (telcoFinder)');
    const dynamic =
      body.telcoFinder === undefined
        ? {}
        : {
            dynamic: {
              telcoFinder: body.telcoFinder,
              ...(body.authProviderConfiguration === undefined
                ? {}
                : { authProviderConfiguration: body.authProviderConfiguration }),
            },
          };
    res.status(201).json({
      added: await h.add(
        body.operatorId,
        valuesOf(body),
        'allowOverlap' in body && !!body.allowOverlap,
        dynamic,
      ),
      ...(body.telcoFinder === undefined ? {} : { telcoFinder: body.telcoFinder }),
    });
  });
  router.post(`/${kind}/remove`, async (req, res) => {
    const body = parseRequest(bodies.remove, req.body);
    res.json({ removed: await h.remove(valuesOf(body), body.operatorId || undefined) });
  });
  const importer = h.import;
  if (importer) {
    // Streamed: the CSV body is read line by line, never buffered whole by a body parser.
    router.post(`/${kind}/import`, async (req, res) => {
      if (!req.is('text/csv') && !req.is('text/plain'))
        throw new InputError('send the file as text/csv');
      const lines = readline.createInterface({ input: req, crlfDelay: Infinity });
      res.status(201).json(await importer(lines, req.query.allowOverlap === 'true'));
    });
  }
}

function lookupResult(m: ReturnType<RoutingIndex['lookupIp']>, what: string): LookupResult {
  if (!m) throw new NotFoundError(`no operator serves ${what}`);
  return {
    operatorId: m.operator.id,
    operatorName: m.operator.name,
    matched: m.matched,
    ...(m.dynamic ? { telcoFinder: m.dynamic.telcoFinder } : {}),
  };
}

/** The body's one list of values, whichever kind's field names it (`cidrs`, `prefixes`…). */
function valuesOf(
  body: { cidrs: string[] } | { prefixes: string[] } | { networks: string[] },
): string[] {
  return 'cidrs' in body ? body.cidrs : 'prefixes' in body ? body.prefixes : body.networks;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
