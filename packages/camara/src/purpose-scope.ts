import { API_SCOPES, camaraStyleScope } from './camara-apis.js';
import { operationForScope, type NvOperation } from './scopes.js';

/**
 * How an operator spells purpose + API scopes (CAMARA ICM "Purpose"):
 * - `camara`:   `dpv:FraudPreventionAndDetection number-verification:verify`
 * - `dpv-hash`: `dpv:FraudPreventionAndDetection#number-verification-verify-read`
 *   (Telefónica / Vonage style: the purpose is a prefix of every API scope).
 */
export type ScopeStyle = 'camara' | 'dpv-hash';

export const SCOPE_STYLES: ReadonlyArray<ScopeStyle> = ['camara', 'dpv-hash'];

/** W3C DPV purpose as a scope value, e.g. `dpv:FraudPreventionAndDetection`. */
export const DPV_PURPOSE_PATTERN = /^dpv:[A-Za-z][A-Za-z0-9]*$/;

const OIDC_SCOPES = new Set(['openid']);

/** An operation scope of CAMARA_APIS, in either style's spelling. */
const isApiScope = (value: string): boolean => API_SCOPES.includes(camaraStyleScope(value));

export interface ParsedPurposeScope {
  /** Distinct `dpv:` purposes; ICM requires exactly one. */
  purposes: string[];
  /** NV operation scopes, without any purpose prefix. */
  apiScopes: string[];
  /** OIDC scopes such as `openid`. */
  oidcScopes: string[];
  /** Values this style does not know (including the other style's spelling). */
  unknown: string[];
}

/** Splits a space-delimited `scope` (RFC 6749 §3.3) according to `style`. */
export function parsePurposeScope(
  style: ScopeStyle,
  scope: string | undefined,
): ParsedPurposeScope {
  const parsed: ParsedPurposeScope = { purposes: [], apiScopes: [], oidcScopes: [], unknown: [] };
  for (const value of new Set((scope ?? '').split(' ').filter(Boolean))) {
    if (OIDC_SCOPES.has(value)) parsed.oidcScopes.push(value);
    else if (style === 'camara') classifyCamara(value, parsed);
    else classifyDpvHash(value, parsed);
  }
  return parsed;
}

function classifyCamara(value: string, parsed: ParsedPurposeScope): void {
  if (DPV_PURPOSE_PATTERN.test(value)) addPurpose(parsed, value);
  else if (operationForScope(value) || isApiScope(value)) parsed.apiScopes.push(value);
  else parsed.unknown.push(value);
}

function classifyDpvHash(value: string, parsed: ParsedPurposeScope): void {
  const hash = value.indexOf('#');
  const purpose = value.slice(0, hash);
  const apiScope = value.slice(hash + 1);
  const known = operationForScope(apiScope) || isApiScope(apiScope);
  if (hash > 0 && DPV_PURPOSE_PATTERN.test(purpose) && known) {
    addPurpose(parsed, purpose);
    if (!parsed.apiScopes.includes(apiScope)) parsed.apiScopes.push(apiScope);
  } else {
    parsed.unknown.push(value);
  }
}

function addPurpose(parsed: ParsedPurposeScope, purpose: string): void {
  if (!parsed.purposes.includes(purpose)) parsed.purposes.push(purpose);
}

/** Spells one purpose and its API scopes in `style`, with OIDC scopes first. */
export function formatPurposeScope(
  style: ScopeStyle,
  purpose: string,
  apiScopes: ReadonlyArray<string>,
  oidcScopes: ReadonlyArray<string> = ['openid'],
): string {
  const api =
    style === 'camara' ? [purpose, ...apiScopes] : apiScopes.map((s) => `${purpose}#${s}`);
  return [...oidcScopes, ...api].join(' ');
}

/** Every scope value a resource server of `style` accepts for these purposes. */
export function scopeValuesFor(
  style: ScopeStyle,
  purposes: ReadonlyArray<string>,
  apiScopes: ReadonlyArray<string>,
): string[] {
  if (style === 'camara') return [...purposes, ...apiScopes];
  return purposes.flatMap((purpose) => apiScopes.map((s) => `${purpose}#${s}`));
}

/**
 * The NV operations a granted scope string allows, whatever the style and whichever
 * version's scope name was granted (NV 0.3.1 and 2.1 name the same operations).
 */
export function grantedOperations(scope: string | undefined): Set<NvOperation> {
  const operations = new Set<NvOperation>();
  for (const value of (scope ?? '').split(' ')) {
    const found = operationForScope(value.slice(value.indexOf('#') + 1));
    if (found) operations.add(found.operation);
  }
  return operations;
}
