import { z } from 'zod';
import { InputError, type ErrorDetail } from './errors.js';
import { parseCidr } from './ip/cidr.js';
import { MAX_ROUTE_VALUES, type RouteSet } from '@switchboard/contracts';

/**
 * GSMA OPG.10 telco routing ("Routing Rule Format"): an operator publishes
 * `GET /telco-routing/v1/routing`, a list of rules, each naming the addresses, MSISDN prefixes
 * and networks it serves and either a `static` target (operator id, API root, OpenID provider
 * configuration) or a `dynamic` one: a second-level telco finder (multi-brand operators).
 */
// A list may hold no more than one call may claim of a kind (ADR 0002).
const strings = z.array(z.string().max(64)).max(MAX_ROUTE_VALUES);
const rule = z
  .looseObject({
    ipv4: strings.optional(),
    ipv6: strings.optional(),
    msisdnPrefix: strings.optional(),
    network: strings.optional(),
    static: z
      .looseObject({
        operatorId: z.string().min(1).max(128),
        apiRoot: z.string().max(2048).optional(),
        authProviderConfiguration: z.string().max(2048).optional(),
      })
      .optional(),
    dynamic: z
      .looseObject({
        authProviderConfiguration: z.string().max(2048).optional(),
        telcoFinder: z.string().max(2048),
      })
      .optional(),
  })
  .refine((r) => (r.static === undefined) !== (r.dynamic === undefined), {
    message: 'a rule needs exactly one of static or dynamic',
  });
const table = z.array(rule).max(10_000);

export type RoutingRule = z.output<typeof rule>;

/** A route of a dynamic rule: lookups that match it ask the second-level `telcoFinder`. */
export interface DynamicRoute {
  kind: 'range' | 'prefix' | 'network';
  /** As published; canonicalised where it is stored. */
  value: string;
  /** The second-level finder's base URL (its search is `{telcoFinder}/search`). */
  telcoFinder: string;
  authProviderConfiguration?: string;
}

export interface ParsedRoutingTable {
  /** Every kind present: what the operator's routes must become. */
  routes: Required<RouteSet>;
  /** The routes (a subset of `routes`) whose rule is dynamic. */
  dynamic: DynamicRoute[];
  rules: number;
  /** Differences Switchboard notices but does not act on (endpoints change only through validation). */
  warnings: string[];
}

export interface RegisteredEndpoints {
  id: string;
  apiRoot: string;
  issuerUrl: string;
  /** Sandbox/dev operators may name plain-http URLs (a second-level finder too). */
  allowInsecureHttp?: boolean;
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
  const dynamic: DynamicRoute[] = [];
  parsed.data.forEach((r, i) => {
    const at = `rule ${i + 1}`;
    if (r.static && r.static.operatorId !== operator.id) {
      details.push({
        message: `${at} routes to operator '${r.static.operatorId}', not '${operator.id}'`,
      });
      return;
    }
    checkFamily(r.ipv4 ?? [], 4, at, details);
    checkFamily(r.ipv6 ?? [], 6, at, details);
    const ranges = [...(r.ipv4 ?? []), ...(r.ipv6 ?? [])];
    routes.ranges.push(...ranges);
    routes.prefixes.push(...(r.msisdnPrefix ?? []));
    routes.networks.push(...(r.network ?? []));
    if (r.dynamic) {
      const problem = finderUrlProblem(r.dynamic.telcoFinder, operator.allowInsecureHttp === true);
      if (problem) details.push({ message: `${at}: telcoFinder ${problem}` });
      const target = {
        telcoFinder: r.dynamic.telcoFinder,
        ...(r.dynamic.authProviderConfiguration === undefined
          ? {}
          : { authProviderConfiguration: r.dynamic.authProviderConfiguration }),
      };
      const of = (kind: DynamicRoute['kind'], values: string[]) =>
        values.map((value) => ({ kind, value, ...target }));
      dynamic.push(
        ...of('range', ranges),
        ...of('prefix', r.msisdnPrefix ?? []),
        ...of('network', r.network ?? []),
      );
    } else for (const w of endpointWarnings(r, operator)) warnings.add(w);
  });
  if (details.length > 0) throw new InputError(details[0]!.message, details.slice(0, 20));
  return { routes, dynamic, rules: parsed.data.length, warnings: [...warnings] };
}

/** A second-level finder is called with subscribers' identifiers: https, unless a sandbox. */
export function finderUrlProblem(url: string, allowInsecureHttp: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not an http(s) URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'is not an http(s) URL';
  if (u.protocol === 'http:' && !allowInsecureHttp)
    return 'must be https (or mark the operator --insecure for a sandbox)';
  return undefined;
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
  if (!r.static) return out;
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
