export { CidrError, normalizeIp, parseCidr, type IpFamily, type ParsedCidr } from './ip/cidr.js';
export { IpPrefixIndex, type IpMatch, type IpRoute } from './ip/ip-prefix-index.js';
export {
  MsisdnPrefixIndex,
  type MsisdnMatch,
  type MsisdnRoute,
} from './msisdn/msisdn-prefix-index.js';
export { parseMsisdnPrefix, parsePhoneNumber, PrefixError } from './msisdn/msisdn-prefix.js';
export { ConflictError, InputError, NotFoundError, type ErrorDetail } from './errors.js';
export * from './model.js';
export {
  createOperatorService,
  operatorCredentialsContext,
  type OperatorDetails,
  type OperatorService,
} from './operator-service.js';
export { createRouteService, type AddOptions, type RouteService } from './route-service.js';
export {
  importPrefixes,
  importRanges,
  type ImportOptions,
  type ImportResult,
} from './route-import.js';
export type { RoutingContext } from './routing-context.js';
export {
  createRoutingIndex,
  type IndexStats,
  type Logger,
  type RouteMatch,
  type RoutingIndex,
  type RoutingIndexDeps,
  type TelcoFinder,
} from './routing-index.js';
export { ROUTING_CHANNEL, sqlLookupIp } from './store/routing-store.js';
