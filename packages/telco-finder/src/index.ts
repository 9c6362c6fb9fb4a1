export {
  ConflictError,
  InputError,
  NotFoundError,
  UpstreamError,
  type ConflictKind,
  type ErrorDetail,
} from './errors.js';
export {
  isSpecialPurposeAddress,
  specialPurposeBlockOf,
  SPECIAL_PURPOSE_BLOCKS,
} from './ip/special-purpose-ranges.js';
export { isForbiddenHost } from './ip/forbidden-host.js';
export {
  createOperatorRoutes,
  type OperatorClaimOptions,
  type OperatorRoutes,
} from './operator-routes.js';
export {
  describeViolation,
  ROUTE_VIOLATION_CODES,
  type RouteViolation,
  type RouteViolationCode,
} from './route-change/violations.js';
export { createOverlapApprovals, type OverlapApprovals } from './overlap-approvals.js';
export {
  finderUrlProblem,
  parseRoutingTable,
  type DynamicRoute,
  type ParsedRoutingTable,
} from './routing-table.js';
export type { DynamicRouteRecord } from './store/dynamic-route-store.js';
export { createRoutingSync, type RoutingSync } from './routing-sync.js';
export { listAudit, type AuditQuery } from './store/audit-store.js';
export * from './model.js';
export {
  createOperatorService,
  OPERATOR_STRICT_PROFILE_REFUSAL,
  type OperatorServiceOptions,
  operatorCredentialsContext,
  type OperatorService,
} from './operator-service.js';
export { createRouteService, type AddOptions, type RouteService } from './route-service.js';
export { importPrefixes, importRanges, type ImportOptions } from './route-import.js';
export type { RoutingContext } from './routing-context.js';
export {
  createRoutingIndex,
  type Logger,
  type DynamicTarget,
  type RouteMatch,
  type RoutingIndex,
  type RoutingIndexDeps,
  type TelcoFinder,
} from './routing-index.js';
export { ROUTING_CHANNEL } from './store/routing-store.js';
