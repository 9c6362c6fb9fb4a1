import { z } from 'zod';
import { InputError, type ErrorDetail } from './errors.js';
import { parseCidr } from './ip/cidr.js';
import { MAX_ROUTE_VALUES, type RouteSet } from '@switchboard/contracts';

/**
 * GSMA OPG.10 telco routing: an operator publishes `GET /telco-routing/v1/routing`, a list
 * of rules, each naming the addresses, MSISDN prefixes and networks it serves and the
 * `static` routing target (operator id, API root, OpenID provider configuration).
 */
// A list may hold no more than one call may claim of a kind (ADR 0002).
const strings = z.array(z.string().max(64)).max(MAX_ROUTE_VALUES);
const rule = z.looseObject({
  ipv4: strings.optional(),
  ipv6: strings.optional(),
  msisdnPrefix: strings.optional(),
  network: strings.optional(),
  static: z.looseObject({
    operatorId: z.string().min(1).max(128),
    apiRoot: z.string().max(2048).optional(),
    authProviderConfiguration: z.string().max(2048).optional(),
  }),
});
const table = z.array(rule).max(10_000);

export type RoutingRule = z.output<typeof rule>;

export interface ParsedRoutingTable {
  /** Every kind present: what the operator's routes must become. */
  routes: Required<RouteSet>;
  rules: number;
  /** Differences Switchboard notices but does not act on (endpoints change only through validation). */
  warnings: string[];
}

export interface RegisteredEndpoints {
  id: string;
  apiRoot: string;
  issuerUrl: string;
}

/**
 * Validates a routing table against the operator that publishes it: every rule must name
 * that operator (ownership), every value must be well-formed and of its family. Throws an
 * InputError naming each bad rule; values are left raw for the claim pipeline to normalise.
 */
export function parseRoutingTable(
  body: unknown,
  operator: RegisteredEndpoints,
): ParsedRoutingTable {
  const parsed = table.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `at ${formatPath(issue.path)}: ` : '';
    throw new InputError(`not a GSMA routing table (${where}${issue.message})`);
  }
  const details: ErrorDetail[] = [];
  const warnings = new Set<string>();
  const routes: Required<RouteSet> = { ranges: [], prefixes: [], networks: [] };
  parsed.data.forEach((r, i) => {
    const at = `rule ${i + 1}`;
    if (r.static.operatorId !== operator.id) {
      details.push({
        message: `${at} routes to operator '${r.static.operatorId}', not '${operator.id}'`,
      });
      return;
    }
    checkFamily(r.ipv4 ?? [], 4, at, details);
    checkFamily(r.ipv6 ?? [], 6, at, details);
    routes.ranges.push(...(r.ipv4 ?? []), ...(r.ipv6 ?? []));
    routes.prefixes.push(...(r.msisdnPrefix ?? []));
    routes.networks.push(...(r.network ?? []));
    for (const w of endpointWarnings(r, operator)) warnings.add(w);
  });
  if (details.length > 0) throw new InputError(details[0]!.message, details.slice(0, 20));
  return { routes, rules: parsed.data.length, warnings: [...warnings] };
}

function checkFamily(values: string[], family: 4 | 6, at: string, details: ErrorDetail[]): void {
  for (const v of values) {
    try {
      if (parseCidr(v).family !== family)
        details.push({ message: `${at}: ${v} is not an IPv${family} range` });
    } catch (e) {
      details.push({ message: `${at}: ${(e as Error).message}` });
    }
  }
}

const trim = (u: string) => u.replace(/\/+$/, '');

function endpointWarnings(r: RoutingRule, op: RegisteredEndpoints): string[] {
  const out: string[] = [];
  if (r.static.apiRoot !== undefined && trim(r.static.apiRoot) !== trim(op.apiRoot))
    out.push(`the table's apiRoot ${r.static.apiRoot} differs from the registered ${op.apiRoot}`);
  const discovery = `${trim(op.issuerUrl)}/.well-known/openid-configuration`;
  const given = r.static.authProviderConfiguration;
  if (given !== undefined && trim(given) !== discovery)
    out.push(
      `the table's authProviderConfiguration ${given} differs from the registered ${discovery}`,
    );
  return out;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}
