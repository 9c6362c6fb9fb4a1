import type { ErrorDetail } from '@switchboard/contracts';
import type { RouteViolation } from './route-change/violations.js';

// Domain errors know nothing of HTTP; the admin API's error handler maps them
// (InputError → 400, NotFoundError → 404, ConflictError → 409 by its kind, UpstreamError → 502). Their
// details have the admin and operator APIs' error-detail shape. A refused route change also
// carries its violations (ADR 0002), from which the HTTP and CLI layers add their own words.
export type { ErrorDetail, RouteViolation };

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly violations: readonly RouteViolation[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    message: string,
    readonly violations: readonly RouteViolation[] = [],
  ) {
    super(message);
  }
}

/**
 * Why a change conflicts with what is stored (CAMARA Commonalities r4.4 replaced 409 CONFLICT
 * by these two): the resource exists already, or its state forbids the action.
 */
export type ConflictKind = 'already-exists' | 'incompatible-state';

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly kind: ConflictKind,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly violations: readonly RouteViolation[] = [],
  ) {
    super(message);
  }
}

/** An operator's own endpoint failed or answered garbage (the admin API maps it to 502). */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}
