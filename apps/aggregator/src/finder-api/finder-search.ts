import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { camaraError, PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import type { Operator, RouteMatch, RoutingIndex } from '@switchboard/telco-finder';
import type { FinderLookupResult } from '../infra/metrics/metrics.js';

/** GSMA OPG.10 telco finder search response. */
export interface FinderSearchResult {
  operatorId: string;
  apiRoot?: string;
  /** The operator's OpenID Provider configuration (discovery) URL. */
  authProviderConfiguration?: string;
}

export interface FinderSearch {
  /** Validates the request body and resolves the operator, or throws a CAMARA error. */
  search(body: unknown): Promise<FinderSearchResult>;
}

/** GSMA OPG.10 "Network Id API": the MCC-MNC of the network a phone number belongs to now. */
export interface NetworkIdResolver {
  /** Asks `holder` (the operator holding the number's prefix); throws when it cannot answer. */
  resolve(holder: Operator, phoneNumber: string): Promise<string>;
}

/** What a second-level telco finder is asked: the caller's target and flags, unchanged. */
export interface SecondLevelRequest {
  target: SearchRequest['target'];
  includeApiRoot: boolean;
  includeAuthProviderConfiguration: boolean;
  portabilitySearchMode: 'SHALLOW' | 'DEEP';
}

/** GSMA OPG.10 "Dynamic Routing": the operator's own telco finder names the brand. */
export interface SecondLevelFinder {
  /** The brand's answer; undefined when it serves no brand for the target; throws on failure. */
  search(match: RouteMatch, request: SecondLevelRequest): Promise<FinderSearchResult | undefined>;
}

export interface FinderSearchDeps {
  readonly index: Pick<RoutingIndex, 'lookupIp' | 'lookupPhoneNumber' | 'lookupNetwork'>;
  readonly networkId: NetworkIdResolver;
  readonly secondLevel: SecondLevelFinder;
  readonly recordLookup: (result: FinderLookupResult) => void;
}

const ipv4Address = z
  .object({
    publicAddress: z.string().refine((v) => isIPv4(v), 'must be a dotted-quad IPv4 address'),
    publicPort: z.number().int().min(0).max(65535).optional(),
  })
  .strict();

// OPG.10: a target names exactly one identifier of the subscriber.
const target = z
  .object({
    phoneNumber: z.string().regex(PHONE_NUMBER_PATTERN, 'must be E.164 with a leading +'),
    ipv4Address,
    ipv6Address: z.string().refine((v) => isIPv6(v), 'must be an IPv6 address'),
  })
  .partial()
  .strict()
  .refine(
    (t) => Object.keys(t).length === 1,
    'must name exactly one of phoneNumber, ipv4Address, ipv6Address',
  );

// OPG.10 "Telco Finder Interface": SHALLOW searches internal records only, DEEP every
// external system (for a phone number: the Network Id API, so a ported number is found).
const searchRequest = z
  .object({
    target,
    includeApiRoot: z.boolean().default(false),
    includeAuthProviderConfiguration: z.boolean().default(false),
    portabilitySearchMode: z.enum(['SHALLOW', 'DEEP']).default('SHALLOW'),
  })
  .strict();

type SearchRequest = z.output<typeof searchRequest>;

export function createFinderSearch(deps: FinderSearchDeps): FinderSearch {
  return {
    async search(body) {
      const request = parse(body);
      let answer: FinderSearchResult | undefined;
      try {
        const match = await resolve(deps, request);
        answer = match && (await answerFor(deps, match, request));
      } catch (e) {
        deps.recordLookup('error');
        throw e;
      }
      deps.recordLookup(answer ? 'found' : 'not-found');
      if (!answer) throw camaraError('NOT_FOUND', 'No operator serves the given target.');
      return answer;
    },
  };
}

async function resolve(
  deps: FinderSearchDeps,
  request: SearchRequest,
): Promise<RouteMatch | undefined> {
  const shallow = lookup(deps.index, request.target);
  const phoneNumber = request.target.phoneNumber;
  if (request.portabilitySearchMode !== 'DEEP' || phoneNumber === undefined || !shallow)
    return shallow;
  return deep(deps, shallow.operator, phoneNumber);
}

/**
 * OPG.10 "MSISDN lookup": the number's network (MCC-MNC) from the Network Id API of the
 * operator holding its prefix, then the operator serving that network. No answer from
 * Network Id is 503, never the prefix holder: DEEP promises an up-to-date answer
 * (docs/standards.md, Decisions).
 */
async function deep(
  deps: FinderSearchDeps,
  holder: Operator,
  phoneNumber: string,
): Promise<RouteMatch | undefined> {
  let networkId: string;
  try {
    networkId = await deps.networkId.resolve(holder, phoneNumber);
  } catch {
    throw camaraError(
      'UNAVAILABLE',
      'The number portability lookup (Network Id) is unavailable; retry, or search SHALLOW.',
    );
  }
  return deps.index.lookupNetwork(networkId);
}

function parse(body: unknown): SearchRequest {
  const r = searchRequest.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw camaraError('INVALID_ARGUMENT', `${field}: ${issue.message}`);
}

function lookup(
  index: FinderSearchDeps['index'],
  t: SearchRequest['target'],
): RouteMatch | undefined {
  if (t.phoneNumber !== undefined) return index.lookupPhoneNumber(t.phoneNumber);
  // The public port does not change the operator: CGNAT ranges are routed whole.
  if (t.ipv4Address !== undefined) return index.lookupIp(t.ipv4Address.publicAddress);
  // IPv4-mapped IPv6 addresses are folded to IPv4 by the index (RFC 4291 §2.5.5.2).
  return t.ipv6Address === undefined ? undefined : index.lookupIp(t.ipv6Address);
}

/**
 * A static route answers its operator; a dynamic one asks the operator's second-level telco
 * finder with the same target and flags (OPG.10 "IP address lookup", "MSISDN lookup").
 */
async function answerFor(
  deps: FinderSearchDeps,
  match: RouteMatch,
  request: SearchRequest,
): Promise<FinderSearchResult | undefined> {
  if (!match.dynamic) return present(match, request);
  try {
    return await deps.secondLevel.search(match, {
      target: request.target,
      includeApiRoot: request.includeApiRoot,
      includeAuthProviderConfiguration: request.includeAuthProviderConfiguration,
      portabilitySearchMode: request.portabilitySearchMode,
    });
  } catch {
    throw camaraError(
      'UNAVAILABLE',
      "The operator's own telco finder (dynamic routing) is unavailable; retry later.",
    );
  }
}

function present(match: RouteMatch, request: SearchRequest): FinderSearchResult {
  const { operator } = match;
  return {
    operatorId: operator.id,
    ...(request.includeApiRoot ? { apiRoot: operator.apiRoot } : {}),
    ...(request.includeAuthProviderConfiguration
      ? { authProviderConfiguration: discoveryUrl(operator.issuerUrl) }
      : {}),
  };
}

/** OpenID Connect Discovery 1.0 §4: the configuration lives under the issuer. */
const discoveryUrl = (issuer: string) =>
  `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
