import { z } from 'zod';
import { JSON_OBJECT, requiredOperatorIdSchema } from './field-rules.js';

// How devices route to operators: IP ranges, MSISDN prefixes and MCC-MNC networks, changed by
// admins (`/admin/v1/ranges|prefixes|networks`) and by operators themselves
// (`/operators/v1/operators/{id}/routes`, and their GSMA OPG.10 routing tables).

export const ROUTE_KINDS = ['ranges', 'prefixes', 'networks'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];
const routeKindSchema = z.enum(ROUTE_KINDS);

/** Values of one kind per change, from an operator or an admin (more: `import`). */
export const MAX_ROUTE_VALUES = 10_000;

const NOUN: Record<RouteKind, string> = {
  ranges: 'range',
  prefixes: 'prefix',
  networks: 'network',
};

/** An admin body's list of values, named after the body field. */
function values(field: string) {
  const error = `${field} must be a list of strings`;
  return z.array(z.string({ error }), { error });
}

function addBody<S extends z.ZodRawShape>(list: S) {
  return z.object(
    {
      operatorId: requiredOperatorIdSchema,
      ...list,
      /** Let these overlap another operator's entries (recorded in the audit log). */
      allowOverlap: z.boolean({ error: 'allowOverlap must be true or false' }).optional(),
      /**
       * GSMA OPG.10 dynamic routing: these routes resolve through the operator's second-level
       * telco finder at this URL (its search is `{telcoFinder}/search`). Absent: static.
       */
      telcoFinder: z.string({ error: 'telcoFinder must be a URL' }).max(2048).optional(),
      /** The discovery URL of a dynamic rule (OPG.10 `dynamic.authProviderConfiguration`). */
      authProviderConfiguration: z
        .string({ error: 'authProviderConfiguration must be a URL' })
        .max(2048)
        .optional(),
    },
    JSON_OBJECT,
  );
}

function removeBody<S extends z.ZodRawShape>(list: S) {
  return z.object(
    {
      ...list,
      /** Only if they belong to this operator. */
      operatorId: z.string({ error: 'operatorId must be a string' }).optional(),
    },
    JSON_OBJECT,
  );
}

/**
 * Admin API `POST /{kind}` and `POST /{kind}/remove`, per kind: the values are `cidrs`,
 * `prefixes` or `networks`. Each value's own rules are the routing model's (they canonicalise).
 */
export const ADMIN_ROUTE_BODIES = {
  ranges: {
    add: addBody({ cidrs: values('cidrs') }),
    remove: removeBody({ cidrs: values('cidrs') }),
  },
  prefixes: {
    add: addBody({ prefixes: values('prefixes') }),
    remove: removeBody({ prefixes: values('prefixes') }),
  },
  networks: {
    add: addBody({ networks: values('networks') }).omit({ allowOverlap: true }),
    remove: removeBody({ networks: values('networks') }),
  },
} as const;

export type AdminRouteAdd<K extends RouteKind> = z.input<(typeof ADMIN_ROUTE_BODIES)[K]['add']>;
export type AdminRouteRemove<K extends RouteKind> = z.input<
  (typeof ADMIN_ROUTE_BODIES)[K]['remove']
>;
/** The canonical values added or removed, all or none. */
export const routesAddedSchema = z
  .object({
    added: z.array(z.string()),
    /** Present when the routes were added as dynamic (GSMA OPG.10 second-level telco finder). */
    telcoFinder: z.string().optional(),
  })
  .strict();
export type RoutesAdded = z.output<typeof routesAddedSchema>;
export const routesRemovedSchema = z.object({ removed: z.array(z.string()) }).strict();
export type RoutesRemoved = z.output<typeof routesRemovedSchema>;

/** `GET /ranges`. */
export const ipRangeRecordSchema = z
  .object({
    operatorId: z.string(),
    cidr: z.string(),
    allowOverlap: z.boolean(),
    createdAt: z.string(),
  })
  .strict();
export type IpRangeRecord = z.output<typeof ipRangeRecordSchema>;

/** `GET /prefixes`: digits without '+'. */
export const msisdnPrefixRecordSchema = z
  .object({
    operatorId: z.string(),
    prefix: z.string(),
    allowOverlap: z.boolean(),
    createdAt: z.string(),
  })
  .strict();
export type MsisdnPrefixRecord = z.output<typeof msisdnPrefixRecordSchema>;

/** `GET /networks`. */
export const networkRecordSchema = z
  .object({ operatorId: z.string(), mccMnc: z.string(), createdAt: z.string() })
  .strict();
export type NetworkRecord = z.output<typeof networkRecordSchema>;

/** `POST /ranges/import`, `POST /prefixes/import` (CSV `operator_id,<value>`, all or nothing). */
export const importResultSchema = z
  .object({ imported: z.number(), byOperator: z.record(z.string(), z.number()) })
  .strict();
export type ImportResult = z.output<typeof importResultSchema>;

/**
 * Operator API `POST|PUT /routes`, `POST /routes/remove`: some or all kinds of an operator's
 * own routes; a kind left out is left alone.
 */
export const routeSetSchema = z.strictObject(
  {
    ranges: selfClaimValues('ranges').optional(),
    prefixes: selfClaimValues('prefixes').optional(),
    networks: selfClaimValues('networks').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field '${issue.keys[0]}'`
        : 'send an object with ranges, prefixes and/or networks',
  },
);
export type RouteSet = z.output<typeof routeSetSchema>;

function selfClaimValues(kind: RouteKind) {
  const error = `${kind} must be a list of at most ${MAX_ROUTE_VALUES} strings`;
  return z
    .array(z.string({ error: (issue) => `not a ${NOUN[kind]}: ${JSON.stringify(issue.input)}` }), {
      error,
    })
    .max(MAX_ROUTE_VALUES, { error });
}

/** How a route change applies: `add` and `remove` what it lists, `replace` a kind whole. */
export type RouteChangeMode = 'add' | 'remove' | 'replace';

/** Operator API `GET /routes`: every kind, canonical values. */
export const operatorRouteTableSchema = z.record(routeKindSchema, z.array(z.string()));
export type OperatorRouteTable = z.output<typeof operatorRouteTableSchema>;

export const kindDiffSchema = z
  .object({ added: z.array(z.string()), removed: z.array(z.string()), unchanged: z.number() })
  .strict();
export type KindDiff = z.output<typeof kindDiffSchema>;

/** Exactly what a change did, per kind it touched. */
export const routeDiffSchema = z.partialRecord(routeKindSchema, kindDiffSchema);
export type RouteDiff = z.output<typeof routeDiffSchema>;

/** Admin API `POST /operators/{id}/routing-sync`: one GSMA OPG.10 routing table applied now. */
export const syncOutcomeSchema = z
  .object({
    operatorId: z.string(),
    routingUrl: z.string(),
    rules: z.number(),
    diff: routeDiffSchema,
    warnings: z.array(z.string()),
  })
  .strict();
export type SyncOutcome = z.output<typeof syncOutcomeSchema>;
