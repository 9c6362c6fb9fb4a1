import {
  ALL_NV_SCOPES,
  API_SCOPES,
  hashStyleScope,
  parsePurposeScope,
  scopeValuesFor,
  type ScopeStyle,
} from '@switchboard/camara';
import type { LawfulBasis } from '../config.js';

export interface PurposeRequest {
  readonly purpose: string;
  readonly basis: LawfulBasis;
  readonly apiScopes: ReadonlyArray<string>;
}

export type PurposeCheck =
  | { readonly ok: true; readonly request: PurposeRequest }
  | { readonly ok: false; readonly reason: string };

/** The operator's purpose rules: its scope style and the lawful basis of each purpose. */
export interface PurposePolicy {
  check(scope: string | undefined): PurposeCheck;
  /** Every scope value the NV resource server grants, in this operator's style. */
  resourceScopes(): string[];
}

export interface PurposePolicyDeps {
  readonly scopeStyle: ScopeStyle;
  readonly purposes: Readonly<Record<string, LawfulBasis>>;
}

/** Every API scope the resource server grants: each of CAMARA_APIS, in both styles' spelling. */
const RESOURCE_SCOPES = [
  ...new Set([...ALL_NV_SCOPES, ...API_SCOPES, ...API_SCOPES.map(hashStyleScope)]),
];

export function createPurposePolicy(deps: PurposePolicyDeps): PurposePolicy {
  const { scopeStyle, purposes } = deps;
  return {
    check(scope) {
      const parsed = parsePurposeScope(scopeStyle, scope);
      if (parsed.unknown.length > 0) {
        return {
          ok: false,
          reason: `unsupported scope for this operator (${scopeStyle} style): ${parsed.unknown.join(' ')}`,
        };
      }
      // CAMARA ICM: exactly one purpose per authorization request.
      if (parsed.purposes.length !== 1)
        return { ok: false, reason: 'exactly one dpv: purpose must be requested' };
      const purpose = parsed.purposes[0]!;
      const basis = Object.hasOwn(purposes, purpose) ? purposes[purpose] : undefined;
      if (!basis)
        return { ok: false, reason: `purpose ${purpose} is not offered by this operator` };
      if (parsed.apiScopes.length === 0)
        return { ok: false, reason: 'no Number Verification scope requested' };
      return { ok: true, request: { purpose, basis, apiScopes: parsed.apiScopes } };
    },
    resourceScopes: () => scopeValuesFor(scopeStyle, Object.keys(purposes), RESOURCE_SCOPES),
  };
}

/** `dpv:FraudPreventionAndDetection` → `Fraud Prevention And Detection`, for consent pages. */
export function purposeLabel(purpose: string): string {
  return purpose.replace(/^dpv:/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2');
}
